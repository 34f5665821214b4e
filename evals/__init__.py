"""Evaluation suites: transcript replay, negotiation simulation, parser accuracy."""
