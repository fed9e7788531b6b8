"""Thi Đua plugin campus_watch."""
