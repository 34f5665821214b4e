"""Failures of the vector store that callers answer as "unavailable, retry", not as bugs."""


class StoreUnavailable(RuntimeError):
    """The vector store (a Chroma server) cannot be reached right now."""
