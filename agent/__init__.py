"""The agent: query understanding, outreach drafting, negotiation and deal probability."""
