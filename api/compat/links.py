"""Race-free "find, else create" for the legacy routes, on the compat_links table (data/models/compat.py).

The InfluAI dialog fires its first /negotiate three times at once. Each request claims the link of what it is
about to create (a contact, a campaign, a client-made conversation id) with one INSERT that the unique
(org_id, key) constraint lets exactly one transaction win; the winner creates the rows and records their id on
the link in the same commit. A loser's INSERT fails (PostgreSQL makes it wait for the winner's commit first,
SQLite's single writer does the same), its transaction is rolled back and `retrying` runs it again: now it
finds the winner's link and answers from the winner's rows. Any other unique-constraint race is retried the
same way, and one that keeps failing is a 409, never a 500.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.http.errors import ApiError
from data.models import utcnow
from data.models.compat import CompatLink

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 6


class LostClaim(Exception):
    """Another transaction re-pointed the link first; run again to read its result."""


def link_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{kind}:{digest}"


def find_link(session: Session, org_id: str, key: str) -> CompatLink | None:
    return session.scalar(select(CompatLink).where(CompatLink.org_id == org_id, CompatLink.key == key))


def claim_new(session: Session, org_id: str, key: str) -> CompatLink:
    """Insert the link (target unset until the caller sets it in this transaction); IntegrityError if taken."""
    link = CompatLink(org_id=org_id, key=key, target_id=None)
    session.add(link)
    session.flush()
    return link


def reclaim(session: Session, link: CompatLink) -> CompatLink:
    """Take over a link whose target ended (compare-and-set on the old target); LostClaim if another did first."""
    old = link.target_id
    condition = CompatLink.target_id.is_(None) if old is None else CompatLink.target_id == old
    result = session.execute(update(CompatLink).where(CompatLink.id == link.id, condition)
                             .values(target_id=None, updated_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise LostClaim(link.key)
    session.refresh(link)
    return link


def retrying(session: Session, attempt: Callable[[], T], what: str = "this request") -> T:
    """Run `attempt` (which commits) until no unique-constraint race or lost claim gets in its way."""
    unavailable = False
    for n in range(ATTEMPTS):
        try:
            return attempt()
        except (IntegrityError, LostClaim) as exc:
            session.rollback()
            unavailable = False
            log.info("compat: %s raced another request (attempt %d): %s", what, n + 1, type(exc).__name__)
        except OperationalError as exc:  # SQLite's writer lock held past its timeout, a deadlock, a lost server
            session.rollback()
            unavailable = True
            log.warning("compat: %s could not get the database (attempt %d): %s", what, n + 1, exc.orig)
        time.sleep(random.uniform(0.005, 0.03) * (n + 1))
    if unavailable:
        raise ApiError(503, "the database is busy or unavailable; try again in a moment")
    raise ApiError(409, f"{what} collided with simultaneous requests; send it again")
