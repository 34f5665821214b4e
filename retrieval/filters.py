"""Constraints beyond the snapshot's numpy columns: places by region, the creator's own gender and age, minimum
price, and what search must look up in SQL first (`Hints`).

- **Regions and well-known areas** ("in Tuscany", "in Bavaria"): a profile matches when its region is the
  region (under any of its names: "Toscana"), when its city lies inside the region (the gazetteer's cities of
  the same admin-1 area: Florence is in Tuscany), or when its bio or stored location text names the region
  ("wedding photographer based near Florence, Tuscany"). The country, when given, must match as well.
- **Creator gender and age** ("female creators", "Gen Z creators") are the creator's own, read from the
  profile; an unknown value fails the constraint, like unknown audience data does.
- **Minimum price** ("at least $500 a post"): a known post rate below it fails; an unknown rate is kept
  (exports often lack rates) and ranked lower, as with a maximum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agent.query.regions import area_members, cities_in_region, region_names
from agent.query.schema import ParsedQuery, QueryLocation
from data.models import Influencer
from retrieval.snapshot import OrgSnapshot


@dataclass
class Hints:
    """What search looked up in SQL before ranking: rows naming a region in their text, the lookalike seeds."""

    mentions: dict[str, set[str]] = field(default_factory=dict)  # region (lower) -> influencer ids naming it
    seeds: list[str] = field(default_factory=list)  # influencer ids of `like_handles`


def region_aliases(region: str, members: bool = True) -> list[str]:
    """Every name of a region: 'Tuscany' → ['tuscany', 'toscana']; an area adds its regions ('Midwest' → 'ohio', …)."""
    found = region_names().get(region.lower())
    if found is None:
        return [region.lower()]
    names = {alias for alias, (name, _) in region_names().items() if name == found[0]}
    if members:
        names |= {member.lower() for member in area_members(region)}
    return sorted(names)


def region_only(loc: QueryLocation) -> bool:
    return bool(loc.region) and not loc.city


def text_mentions(session: Session, org_id: str, query: ParsedQuery) -> dict[str, set[str]]:
    """For each region-level location: the ids of profiles whose bio or region text names it (any alias)."""
    out: dict[str, set[str]] = {}
    for loc in query.locations:
        if not region_only(loc) or loc.region is None:
            continue
        conds = []
        for alias in region_aliases(loc.region, members=False):  # a bio saying "Ohio" is not read as "Midwest"
            pattern = f"%{alias}%"
            conds += [func.lower(Influencer.bio).like(pattern), func.lower(Influencer.region).like(pattern)]
        stmt = select(Influencer.id).where(Influencer.org_id == org_id, or_(*conds))
        if loc.country:
            stmt = stmt.where(or_(Influencer.country == loc.country, Influencer.country.is_(None)))
        out[loc.region.lower()] = set(session.scalars(stmt))
    return out


def _rows_of(snap: OrgSnapshot, ids: set[str]) -> np.ndarray:
    rows = [snap.pos[i] for i in ids if i in snap.pos]
    return np.array(rows, dtype=np.int64)


def location_mask(snap: OrgSnapshot, q: ParsedQuery, hints: Hints | None) -> np.ndarray:
    """Rows in any of the query's locations, on their most specific part (city, else region, else country)."""
    n = snap.n
    mask = np.zeros(n, dtype=bool)
    for loc in q.locations:
        if not (loc.city or loc.region or loc.country):
            continue
        country = np.ones(n, dtype=bool)
        if loc.country:
            code = snap.code_of("country", loc.country)
            country = (snap.country[:n] == code) if code is not None else np.zeros(n, dtype=bool)
        if loc.city:
            code = snap.code_of("city", loc.city)
            mask |= country & ((snap.city[:n] == code) if code is not None else False)
        elif loc.region:
            place = np.zeros(n, dtype=bool)
            for alias in region_aliases(loc.region):
                code = snap.code_of("region", alias)
                if code is not None:
                    place |= snap.region[:n] == code
            for city in cities_in_region(loc.region, loc.country):
                code = snap.code_of("city", city)
                if code is not None:
                    place |= snap.city[:n] == code
            mask |= country & place
            named = (hints.mentions.get(loc.region.lower()) if hints else None) or set()
            rows = _rows_of(snap, named)
            if len(rows):
                mask[rows[rows < n]] = True  # the SQL lookup already checked the country
        else:
            mask |= country
    return mask


def person_and_price(snap: OrgSnapshot, q: ParsedQuery, rows: np.ndarray) -> np.ndarray:
    """Of `rows`, those meeting the creator's gender/age and the minimum post rate (module docstring)."""
    keep = np.ones(len(rows), dtype=bool)
    if q.min_rate_usd is not None:
        floor = int((Decimal(q.min_rate_usd) * 100).to_integral_value())
        rate = snap.rate_cents[rows]
        keep &= (rate >= floor) | (rate < 0)
    if q.creator_gender is None and q.creator_age_min is None and q.creator_age_max is None:
        return rows[keep]
    if q.creator_gender is not None:
        code = snap.code_of("gender", q.creator_gender)
        keep &= (snap.gender[rows] == code) if code is not None else False
    if q.creator_age_min is not None or q.creator_age_max is not None:
        born = snap.birth_year[rows]
        age = datetime.now(UTC).year - born
        keep &= (born != 0) & (age >= (q.creator_age_min or 0)) & (age <= (q.creator_age_max or 200))
    return rows[keep]
