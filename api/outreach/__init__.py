"""Outreach email: drafts, launches that send exactly once, follow-ups, suppression, unsubscribe and inbound replies."""
