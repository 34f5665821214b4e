"""Lookalikes: creators like the seed profiles ("more like @sarahglows", GET /influencers/{id}/similar).

A candidate's likeness to the seeds is a weighted mean of five parts, each in [0, 1]:

- content (0.45): cosine of its profile vector with the seeds' mean vector (bio, niches, topics, posts);
- niches (0.2): the share of the seeds' niches it has;
- size (0.15): closeness of its followers to the seeds' on a log scale (same tier ≈ within 3×);
- platforms (0.1): overlap of its platforms with the seeds' (Jaccard);
- audience (0.1): closeness of its audience's gender and age mix to the seeds' (0.5 when either is unknown).

Every other constraint of the query still filters the candidates; the seeds themselves are never returned.
The reasons say what is shared: "same niche: beauty", "similar audience: 70% women 18–34".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.influencers import tier_for
from data.models import Influencer, PlatformAccount
from data.types import PLATFORMS
from retrieval.ranking import niche_share, semantic_share, similarities
from retrieval.reasons import compact_number, platform_name
from retrieval.snapshot import AGE_BRACKETS, OrgSnapshot

WEIGHTS = {"content": 0.45, "niches": 0.2, "size": 0.15, "platforms": 0.1, "audience": 0.1}
_AGE_LABELS = ("13–17", "18–24", "25–34", "35–44", "45+")


def seed_ids(session: Session, org_id: str, handles: Sequence[str]) -> list[str]:
    """Ids of the org's creators with any of these handles (profile handle or an account's), in handle order."""
    keys = [h.lower().lstrip("@") for h in handles if h.strip()]
    if not keys:
        return []
    by_account = select(PlatformAccount.influencer_id, PlatformAccount.handle_key).where(
        PlatformAccount.org_id == org_id, PlatformAccount.handle_key.in_(keys))
    by_profile = select(Influencer.id, func.lower(Influencer.handle)).where(
        Influencer.org_id == org_id, func.lower(Influencer.handle).in_(keys))
    found: dict[str, str] = {}
    for influencer_id, key in [*session.execute(by_account), *session.execute(by_profile)]:
        found.setdefault(influencer_id, key)
    return sorted(found, key=lambda i: (keys.index(found[i]) if found[i] in keys else len(keys), i))


@dataclass
class Seeds:
    rows: np.ndarray
    centroid: np.ndarray | None
    niches: list[str]
    followers: float
    platforms: np.ndarray  # bool per platform
    female: float | None
    ages: np.ndarray | None  # mean share per age bracket
    handles: list[str]


def seeds_of(snap: OrgSnapshot, ids: Sequence[str], handles: Sequence[str] = ()) -> Seeds | None:
    rows = np.array([snap.pos[i] for i in ids if i in snap.pos and snap.alive[snap.pos[i]]], dtype=np.int64)
    if not len(rows):
        return None
    with_vec = rows[snap.has_emb[rows]]
    centroid = None
    if len(with_vec):
        mean = snap.emb[with_vec].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        centroid = (mean / norm).astype(np.float32) if norm > 0 else None
    niches: dict[str, int] = {}
    for r in rows:
        data = snap.rows[int(r)]
        for niche in data.niches if data else []:
            niches[niche] = niches.get(niche, 0) + 1
    female = snap.female[rows]
    ages = snap.ages[rows]
    known_ages = ages[~np.all(np.isnan(ages), axis=1)]
    return Seeds(
        rows=rows,
        centroid=centroid,
        niches=sorted(niches, key=lambda k: -niches[k]),
        followers=float(np.exp(np.mean(np.log(np.maximum(snap.total_followers[rows], 1))))),
        platforms=(snap.plat_followers[rows] > 0).any(axis=0),
        female=float(np.nanmean(female)) if not np.all(np.isnan(female)) else None,
        ages=np.nan_to_num(known_ages, nan=0.0).mean(axis=0) if len(known_ages) else None,
        handles=list(handles),
    )


def likeness(snap: OrgSnapshot, seeds: Seeds, rows: np.ndarray) -> np.ndarray:
    """Likeness of each row to the seeds in [0, 1] (module docstring)."""
    parts: dict[str, np.ndarray] = {}
    if seeds.centroid is not None:
        sims = similarities(snap, rows, seeds.centroid)  # the snapshot's own product (no gather of most rows)
        parts["content"] = np.where(snap.has_emb[rows], semantic_share(sims), 0.0)
    if seeds.niches:
        parts["niches"] = niche_share(snap, rows, list(seeds.niches))
    followers = np.maximum(snap.total_followers[rows].astype(np.float64), 1.0)
    parts["size"] = np.clip(1.0 - np.abs(np.log10(followers) - math.log10(max(seeds.followers, 1.0))) / 2.0, 0.0, 1.0)
    mine = snap.plat_followers[rows] > 0
    union = (mine | seeds.platforms).sum(axis=1)
    parts["platforms"] = np.where(union > 0, (mine & seeds.platforms).sum(axis=1) / np.maximum(union, 1), 0.0)
    parts["audience"] = _audience_closeness(snap, seeds, rows)
    total = sum(WEIGHTS[k] for k in parts)
    return np.clip(sum(WEIGHTS[k] * v for k, v in parts.items()) / total, 0.0, 1.0)


def _audience_closeness(snap: OrgSnapshot, seeds: Seeds, rows: np.ndarray) -> np.ndarray:
    out = np.full(len(rows), 0.5)
    pieces = []
    if seeds.female is not None:
        female = snap.female[rows].astype(np.float64)
        pieces.append(np.where(np.isnan(female), np.nan, 1.0 - np.abs(female - seeds.female) / 100.0))
    if seeds.ages is not None:
        ages = snap.ages[rows].astype(np.float64)
        known = ~np.all(np.isnan(ages), axis=1)
        dist = np.abs(np.nan_to_num(ages, nan=0.0) - seeds.ages).sum(axis=1) / 200.0
        pieces.append(np.where(known, 1.0 - np.clip(dist, 0.0, 1.0), np.nan))
    if pieces:
        stacked = np.vstack(pieces)
        known = ~np.isnan(stacked)
        count = known.sum(axis=0)
        total = np.where(known, stacked, 0.0).sum(axis=0)
        out = np.where(count > 0, total / np.maximum(count, 1), 0.5)
    return out


def audience_phrase(female: float | None, ages: Sequence[float] | None) -> str | None:
    """'70% women 18–34' from an audience's gender share and age brackets (the adjacent brackets that hold most)."""
    parts = []
    if female is not None and not math.isnan(female):
        parts.append(f"{female:.0f}% women" if female >= 50 else f"{100 - female:.0f}% men")
    if ages is not None and not all(math.isnan(a) for a in ages):
        clean = [0.0 if math.isnan(a) else a for a in ages]
        best = max(range(len(clean) - 1), key=lambda i: clean[i] + clean[i + 1])
        if clean[best] + clean[best + 1] >= 50:
            lo = AGE_BRACKETS[best][1]
            hi = AGE_BRACKETS[best + 1][2]
            parts.append(f"{lo}–{hi}" if hi < 200 else f"{lo}+")
        else:
            top = max(range(len(clean)), key=lambda i: clean[i])
            parts.append(_AGE_LABELS[top])
    return " ".join(parts) if parts else None


def reasons(snap: OrgSnapshot, seeds: Seeds, row: int) -> list[str]:
    """What the row shares with the seeds, most telling first."""
    data = snap.rows[row]
    out: list[str] = []
    if data is None:
        return out
    shared = [n for n in seeds.niches if n in data.niches]
    if shared:
        out.append("same niche: " + ", ".join(shared[:2]))
    if seeds.female is not None and not math.isnan(float(snap.female[row])) and abs(
        float(snap.female[row]) - seeds.female
    ) <= 12:
        phrase = audience_phrase(float(snap.female[row]), [float(a) for a in snap.ages[row]])
        if phrase:
            out.append(f"similar audience: {phrase}")
    tier = tier_for(int(snap.total_followers[row]))
    if tier == tier_for(int(seeds.followers)):
        out.append(f"same size: {tier} ({compact_number(int(snap.total_followers[row]))} followers)")
    common = [PLATFORMS[j] for j in np.flatnonzero((snap.plat_followers[row] > 0) & seeds.platforms)]
    if common:
        out.append("also on " + ", ".join(platform_name(p) for p in common[:3]))
    if seeds.centroid is not None and snap.has_emb[row]:
        sim = float(snap.emb[row] @ seeds.centroid)
        if sim >= 0.5:
            who = ", ".join(f"@{h}" for h in seeds.handles[:2]) or "the seed"
            out.append(f"content like {who}")
    return out
