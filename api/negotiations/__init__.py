"""Negotiations over HTTP: opening one and taking the creator's messages (the engine is agent/negotiation)."""
