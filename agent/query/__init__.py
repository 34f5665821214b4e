"""Turning a marketer's plain-language search into a ParsedQuery."""
