"""Campaigns and their members over HTTP."""
