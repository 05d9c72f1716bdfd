"""Maintenance tools (zone building)."""
