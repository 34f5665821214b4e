"""Keeping the Chroma index a copy of `profile_vectors`, with exactly one writer for an embedded folder.

A Chroma server (CHROMA_URL) is its own single writer: every process writes to it directly. An embedded
folder (CHROMA_PATH, a PersistentClient) is opened only by the process holding an exclusive lock on
`<folder>/.writer.lock` (the first to ask keeps it for life; when it dies the OS frees it and the next one
takes over). That process copies what any process wrote to `profile_vectors` into the folder, at most once
per `RETRIEVAL_REFRESH_MS`, and removes what SQL no longer has every `RETRIEVAL_RECOUNT_MS`. No other
process opens the folder, so no process ever reads a stale view of it. Search never reads Chroma.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Organization, ProfileVector
from data.settings import get_settings
from retrieval.index import DEFAULT_CHROMA_PATH, VectorIndex, get_index
from retrieval.vectors import load_vectors

log = logging.getLogger(__name__)
LOOKBACK = timedelta(seconds=10)  # re-copy rows written this long before the watermark (late commits)

_lock = threading.RLock()
_held: dict[str, IO[str]] = {}
_state: dict[str, dict[str, float | datetime]] = {}


def _folder() -> Path:
    return Path(get_settings().chroma_path or DEFAULT_CHROMA_PATH).resolve()


def embedded() -> bool:
    return not get_settings().chroma_url


def owns_folder(folder: Path | None = None) -> bool:
    """Take (or confirm) this process's exclusive lock on the embedded folder (the configured one unless
    `folder` is given); False when another process holds it."""
    path = folder or _folder()
    key = str(path)
    with _lock:
        if key in _held:
            return True
        path.mkdir(parents=True, exist_ok=True)
        handle = (path / ".writer.lock").open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _held[key] = handle
        return True


def writable_index() -> VectorIndex | None:
    """The index this process may write: the server's, or the embedded folder's when this process owns it."""
    if not embedded() or owns_folder():
        return get_index()
    return None


def healthcheck() -> None:
    """Raise when the index cannot be used: the server or owned folder must answer; else the folder must exist."""
    index = writable_index()
    if index is not None:
        index.healthcheck()
    elif not os.access(_folder(), os.W_OK):
        raise OSError(f"cannot write {_folder()}")


def _watermark_file(session: Session, folder: Path | None = None) -> Path:
    url = str(session.get_bind().engine.url)
    return (folder or _folder()) / f".mirrored-{hashlib.sha1(url.encode()).hexdigest()[:12]}"


def catch_up(session: Session, *, force: bool = False, folder: Path | None = None) -> int:
    """As the embedded folder's owner, copy vectors written by any process since the last look (and drop
    deleted ones when due). Returns the number of vectors copied; 0 when not the owner or not due.
    `folder`: only if it is still the configured folder (a background copy started for it).

    Never raises: the copy is derived and retried on the next call; a failure is logged.
    """
    if not embedded() or (folder is not None and folder != _folder()) or not owns_folder(folder):
        return 0
    try:
        return _catch_up(session, get_index(), force, folder)
    except Exception:
        session.rollback()
        log.exception("copying profile vectors into the embedded Chroma index failed; retrying later")
        return 0


_running = threading.Event()
_background: list[threading.Thread] = []  # the copy thread last started (joined by `release`)


def catch_up_soon(session: Session) -> None:
    """`catch_up` on a background thread with a session of its own, when due: a request never waits for the
    copy (the first one after a start can be the whole organization). The thread is bound to the folder it was
    started for: if the configuration names another folder by the time it runs, it does nothing."""
    if not embedded() or _running.is_set() or not owns_folder():
        return
    folder = _folder()
    state = _state.get(str(_watermark_file(session, folder)))
    if state and time.monotonic() - float(state["checked"]) < get_settings().retrieval_refresh_ms / 1000.0:
        return
    bind = session.get_bind()
    _running.set()

    def run() -> None:
        try:
            with Session(bind=bind) as own:
                catch_up(own, folder=folder)
        finally:
            _running.clear()

    thread = threading.Thread(target=run, name="chroma-mirror", daemon=True)
    _background[:] = [thread]
    thread.start()


def join_background(timeout: float = 30.0) -> bool:
    """Wait for the background copy thread, if one runs; True when none is left running."""
    for thread in list(_background):
        if thread is not threading.current_thread():
            thread.join(timeout)
    return not any(t.is_alive() for t in _background)


def _catch_up(session: Session, index: VectorIndex, force: bool, folder: Path | None = None) -> int:
    marker = _watermark_file(session, folder)
    settings = get_settings()
    with _lock:
        state = _state.setdefault(str(marker), {"checked": 0.0, "counted": 0.0})
        now = time.monotonic()
        if not force and now - float(state["checked"]) < settings.retrieval_refresh_ms / 1000.0:
            return 0
        since = _read_watermark(marker)
        pv = ProfileVector.__table__
        started = datetime.now(UTC)
        cond = [] if since is None else [pv.c.written_at >= since - LOOKBACK]
        changed: dict[str, list[str]] = {}
        for org_id, influencer_id in session.execute(select(pv.c.org_id, pv.c.influencer_id).where(*cond)):
            changed.setdefault(org_id, []).append(influencer_id)
        copied = 0
        for org_id, ids in changed.items():
            got_ids, matrix, stamps = load_vectors(session, org_id, ids)
            index.upsert(org_id, got_ids, embeddings=matrix, stamps=stamps)
            copied += len(got_ids)
        if force or since is None or now - float(state["counted"]) >= settings.retrieval_recount_ms / 1000.0:
            _drop_deleted(session, index)
            state["counted"] = now
        marker.write_text(started.isoformat())
        state["checked"] = now
        return copied


def _drop_deleted(session: Session, index: VectorIndex) -> None:
    pv = ProfileVector.__table__
    for org_id in session.scalars(select(Organization.id)):
        present = set(session.scalars(select(pv.c.influencer_id).where(pv.c.org_id == org_id)))
        if index.count(org_id) != len(present):
            gone = [i for i in index.ids(org_id) if i not in present]
            index.delete(org_id, gone)


def _read_watermark(marker: Path) -> datetime | None:
    with contextlib.suppress(OSError, ValueError):
        return datetime.fromisoformat(marker.read_text().strip())
    return None


def _forget_after_fork() -> None:
    """A forked child (Celery prefork, gunicorn with preload) shares the parent's lock but must not act as the
    owner: only the process that took the lock writes the folder."""
    for handle in _held.values():
        with contextlib.suppress(OSError):
            handle.close()
    _held.clear()
    _state.clear()
    _background.clear()
    _running.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def release() -> None:
    """Give up the folder lock after the background copy ended (tests, app teardown; a process that ends
    releases it anyway)."""
    join_background()
    with _lock:
        for handle in _held.values():
            handle.close()
        _held.clear()
        _state.clear()
