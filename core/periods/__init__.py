"""Reporting periods: windows, deadlines and the draft → open → closed → archived lifecycle."""
