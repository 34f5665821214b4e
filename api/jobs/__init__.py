"""Background work as Celery tasks (`celery -A api.jobs worker`).

Tasks take ids, never objects, and are safe to run twice (acks_late: a task lost with its worker is
delivered again). With no CELERY_BROKER_URL the same tasks run in-process on a small thread pool, so a
request still returns at once and the code path is the one production uses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any

from celery import Celery, Task, signals
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from data.db import get_sessionmaker
from data.settings import Settings, get_settings

log = logging.getLogger(__name__)


class AppContextTask(Task):
    """Runs every task inside the bound Flask app's context (Flask's Celery pattern), so a task reads the
    same settings as the app that queued it."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        app = _bound.get("app")
        if has_app_context() or app is None:
            return super().__call__(*args, **kwargs)
        with app.app_context():
            return super().__call__(*args, **kwargs)


celery = Celery("api", task_cls=AppContextTask)
celery.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    broker_url=get_settings().celery_broker_url,
    # Redis keeps an unacknowledged task (acks_late) hidden this long before another worker gets it: the
    # bound on how late a task lost with its worker runs again. Tasks are idempotent, so a slow one that
    # outlives it and runs twice does no harm.
    broker_transport_options={"visibility_timeout": get_settings().celery_visibility_timeout_s},
    include=["api.outreach.launch", "api.outreach.sweeper", "api.influencers.importing", "api.discovery.tasks",
             "api.calls.tasks", "api.replays.tasks"],
)

_bound: dict[str, Flask] = {}
_executor: ThreadPoolExecutor | None = None
_pending: set[Future[Any]] = set()
_lock = threading.Lock()


def init_app(app: Flask) -> Celery:
    """Bind the Celery app to a Flask app: its settings pick the broker, and tasks run in its context."""
    settings = app.extensions["settings"]
    if settings.celery_broker_url:
        celery.conf.broker_url = settings.celery_broker_url
        celery.conf.broker_transport_options = {"visibility_timeout": settings.celery_visibility_timeout_s}
    _bound.setdefault("app", app)
    app.extensions["celery"] = celery
    return celery


@signals.worker_init.connect
def _bind_app_in_worker(**_: Any) -> None:
    """`celery -A api.jobs worker` builds the Flask app from the settings, as the web processes do."""
    from api import create_app

    _bound["app"] = create_app()


def task_settings() -> Settings:
    """The settings of the app this task (or request) runs for; the process's settings outside any app."""
    return current_app.extensions["settings"] if has_app_context() else get_settings()


def session() -> Session:
    """A session on the database of the app that queued the work (in-process), else the configured one."""
    return get_sessionmaker(task_settings().database_url)()


def _run_in_process(app: Flask | None, task: Task, args: tuple[Any, ...]) -> Any:
    if app is None:
        return task.apply(args=args)
    with app.app_context():
        return task.apply(args=args)


def use_in_process() -> None:
    """Run this process's tasks on the local pool even when a broker is configured (CLI commands that wait)."""
    celery.conf.broker_url = None


def in_process() -> bool:
    return not celery.conf.broker_url


def enqueue(task: Task, *args: Any) -> None:
    """Send to the broker, or run on the in-process pool (in the caller's app context) when none is configured."""
    if not in_process():
        task.apply_async(args=args)
        return
    global _executor
    app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jobs")
        future = _executor.submit(_run_in_process, app, task, args)
        _pending.add(future)
    future.add_done_callback(_pending.discard)


def repeat_forever(app: Flask, work: Callable[[], Any], every_s: float, name: str,
                   stop: threading.Event | None = None) -> None:
    """What beat does, for a process with no broker: `work()` in the app's context every `every_s` seconds until
    `stop` is set. A failure (a broken database, say) is logged and the loop goes on."""
    halt = stop or threading.Event()
    while not halt.wait(every_s):
        try:
            with app.app_context():
                work()
        except Exception:
            log.exception("%s failed; trying again in %s s", name, every_s)


_loops_started: set[str] = set()


def start_in_process_loop(app: Flask, name: str, loop: Callable[[Flask], None]) -> None:
    """`loop(app)` on a daemon thread called `name`, once per serving process and only when there is no broker
    (the worker's beat does that work otherwise); never under tests."""
    if app.testing or not in_process() or name in _loops_started:  # called before every request: no lock then
        return
    with _lock:
        if name in _loops_started:
            return
        _loops_started.add(name)
    threading.Thread(target=loop, args=(app,), daemon=True, name=name).start()


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait for in-process work to finish (CLI commands and tests); True when nothing is left."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            pending = list(_pending)
        if not pending:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        futures_wait(pending, timeout=left)


def broker_check() -> str:
    if in_process():
        return "ok"
    with celery.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"
