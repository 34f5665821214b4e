"""Conversational search over HTTP and the index sync tasks that keep search in step with SQL."""
