"""Discovery retrieval: embeddings, the chroma vector index, the search snapshot and hybrid ranking."""

from retrieval.embeddings import Embedder, embedding_text, get_embedder
from retrieval.index import VectorIndex, get_index, set_index
from retrieval.search import Hit, SearchOutcome, search
from retrieval.sync import reindex_org, sync_influencers

__all__ = [
    "Embedder",
    "Hit",
    "SearchOutcome",
    "VectorIndex",
    "embedding_text",
    "get_embedder",
    "get_index",
    "reindex_org",
    "search",
    "set_index",
    "sync_influencers",
]
