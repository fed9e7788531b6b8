"""Fixtures come from the Thi Đua pytest plugin, core.testing (entry point pytest11)."""
