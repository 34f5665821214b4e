"""Negotiation: understanding (NLU) → policy (decides every offer) → wording (NLG)."""
