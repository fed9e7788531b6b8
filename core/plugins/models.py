"""Tables of the plugin host (criteria sets enabled per period)."""
