"""API keys: issuing, listing and revoking them (admin)."""
