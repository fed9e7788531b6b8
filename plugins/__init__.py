"""Built-in sector plugins. Each package is registered through the ``thidua.plugins`` entry
point group exactly like a third-party plugin, and imports only from :mod:`core.plugins`."""
