"""Discovery retrieval: embeddings, the search snapshot, hybrid ranking and the Chroma vector index.

Every process's search reads profile vectors from SQL (`profile_vectors`), never from another process's
view of an embedded Chroma folder. That folder has one writer, the process holding its lock, which copies
SQL into it. A failed refresh serves the last snapshot. The README in this folder explains why.
"""

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
