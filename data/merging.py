"""One creator across files and platforms: which import rows are the same person, and how they combine.

How it decides, in order (the first that applies):

1. **The same account**: a row naming a (platform, handle) the organization already has updates that
   creator (`data.influencers.upsert_influencer`: what makes re-importing idempotent). When that creator also
   has accounts on platforms the row does not name (a merged creator), the row updates its own accounts and
   fills what is missing, as in a merge, so re-importing one platform's file never erases another's data.
2. **An explicit merge column** (`merge_on`, the CLI's `--merge-on`): rows of one file with the same value
   in that column are one creator, whatever their handles.
3. **The same handle on another platform**: `mrbeast` on YouTube joins the creator who has `mrbeast` on
   Instagram, unless both rows carry display names that share no word ("Jo Dance" vs "Maria Lopez" under
   one handle are two people). When several creators hold that handle, nothing is merged.

A display name alone never merges two rows: "Alex" on TikTok and "Alex" on YouTube stay two creators.

Combining keeps what the creator already has and adds what the new row brings: its accounts are added
(or updated by platform and handle), list fields (niches, topics, languages, brands) are united, and a
scalar (bio, email, location, audience, a rate) is filled only where the creator had none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.influencers import apply_fields, find_by_accounts, upsert_influencer
from data.models import Influencer, PlatformAccount
from data.schemas import InfluencerIn, InfluencerPatch
from data.taxonomy import normalize_label
from data.types import DELIVERABLES

_LISTS = ("languages", "niches", "topics", "past_brands")
_SCALARS = ("email", "phone", "bio", "gender", "birth_year")


@dataclass(frozen=True)
class Outcome:
    influencer: Influencer
    created: bool
    merged_by: str | None  # None | "merge_on" | "handle"


def _words(name: str | None) -> set[str]:
    return {w for w in normalize_label(name or "").split() if len(w) > 1}


def names_compatible(a: str | None, b: str | None) -> bool:
    """False only when both names are given and share no word (after the handle said 'same person')."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return True
    return bool(wa & wb) or "".join(sorted(wa)) == "".join(sorted(wb)) or "".join(wa) in "".join(wb)


def same_handle_elsewhere(session: Session, org_id: str, profile: InfluencerIn) -> Influencer | None:
    """The one creator holding one of the row's handles on a platform the row does not name."""
    platforms = {p.platform for p in profile.platforms}
    handles = {p.handle.lower() for p in profile.platforms}
    owners = set(
        session.scalars(
            select(PlatformAccount.influencer_id).where(
                PlatformAccount.org_id == org_id,
                PlatformAccount.handle_key.in_(sorted(handles)),
                PlatformAccount.platform.not_in(sorted(platforms)),
            )
        )
    )
    if len(owners) != 1:
        return None
    found = session.get(Influencer, owners.pop())
    if found is None or not names_compatible(found.name, profile.name):
        return None
    return found


def merge_into(inf: Influencer, profile: InfluencerIn) -> None:
    """Add the row's accounts and whatever the creator lacks (module docstring)."""
    new = profile.model_dump(exclude_none=True)
    patch: dict[str, Any] = {"platforms": new["platforms"]}
    for key in _LISTS:
        have = list(getattr(inf, key) or [])
        extra = [v for v in new.get(key, []) if v not in have]
        if extra:
            patch[key] = (have + extra)[: 10 if key == "niches" else 50 if key == "topics" else 200]
    for key in _SCALARS:
        if getattr(inf, key) is None and key in new:
            patch[key] = new[key]
    if not (inf.city or inf.region or inf.country) and "location" in new:
        patch["location"] = new["location"]
    if inf.audience is None and "audience" in new:
        patch["audience"] = new["audience"]
    if "rates_usd" in new:
        rates = {r.deliverable: r.amount_usd for r in inf.rates}
        for deliverable in DELIVERABLES:
            if deliverable not in rates and new["rates_usd"].get(deliverable) is not None:
                rates[deliverable] = new["rates_usd"][deliverable]
        patch["rates_usd"] = rates
    if profile.verified and not inf.verified:
        patch["verified"] = True
    apply_fields(inf, InfluencerPatch.model_validate(patch), only_set=True, keep_unlisted_accounts=True)


def store_row(
    session: Session, org_id: str, profile: InfluencerIn, merge_target: str | None = None
) -> Outcome:
    """Create, update or merge one import row; `merge_target` is the creator an earlier row of the same
    `merge_on` value became."""
    known = find_by_accounts(session, org_id, ((p.platform, p.handle) for p in profile.platforms))
    if known is not None and {p.platform for p in known.platforms} - {p.platform for p in profile.platforms}:
        merge_into(known, profile)  # a merged creator: this row speaks for some of their accounts only
        session.flush()
        return Outcome(known, False, None)
    if known is None:
        target = session.get(Influencer, merge_target) if merge_target else None
        how = "merge_on" if target is not None else None
        if target is None:
            target, how = same_handle_elsewhere(session, org_id, profile), "handle"
        if target is not None:
            merge_into(target, profile)
            session.flush()
            return Outcome(target, False, how)
    inf, created = upsert_influencer(session, org_id, profile)
    return Outcome(inf, created, None)
