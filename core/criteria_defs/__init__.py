"""Criteria sets defined as data: each owner's versioned table of criteria (a tree of groups and
scored leaves), imported and exported as Excel and served to the plugin host as ordinary
:class:`core.plugins.CriteriaSet` objects by the built-in plugin :mod:`core.criteria_defs.plugin`."""
