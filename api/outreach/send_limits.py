"""Per-sending-domain rate limit (SEND_RATE_PER_DOMAIN): a token bucket in this process, or in Redis when
one is configured so every worker shares it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache

from api.outreach.mail_config import MailConfig


def parse_rate(text: str | None) -> float | None:
    """"10/s", "600/m", "5000/h" → tokens per second; "", "0" or "none" → no limit."""
    raw = (text or "").strip().lower()
    if raw in ("", "0", "none", "off", "unlimited"):
        return None
    count, _, unit = raw.partition("/")
    seconds = {"": 1, "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600,
               "hour": 3600}.get(unit.strip())
    if seconds is None:
        raise ValueError(f"SEND_RATE_PER_DOMAIN {text!r}: use a form like '10/s', '600/m' or '5000/h'")
    value = float(count) / seconds
    if value <= 0:
        raise ValueError(f"SEND_RATE_PER_DOMAIN {text!r} must be positive")
    return value


class LocalBucket:
    """Token bucket per key in this process (burst = one second's worth, at least one)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1.0, rate)
        self.clock = clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token: 0.0 when granted, else the seconds to wait before asking again."""
        with self._lock:
            now = self.clock()
            tokens, last = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.rate


_REDIS_BUCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class RedisBucket:
    """The same bucket shared by every worker, kept in Redis (atomic Lua script, Redis's own clock)."""

    def __init__(self, rate: float, url: str, prefix: str = "send-rate:") -> None:
        import redis

        self.rate = rate
        self.burst = max(1.0, rate)
        self.prefix = prefix
        self._client = redis.Redis.from_url(url)
        self._script = self._client.register_script(_REDIS_BUCKET)

    def take(self, key: str) -> float:
        return float(self._script(keys=[self.prefix + key], args=[self.rate, self.burst]))


@lru_cache(maxsize=8)
def _limiter(rate_text: str, redis_url: str | None) -> LocalBucket | RedisBucket | None:
    rate = parse_rate(rate_text)
    if rate is None:
        return None
    return RedisBucket(rate, redis_url) if redis_url else LocalBucket(rate)


def wait_for_send_slot(sender: str, cfg: MailConfig, sleep: Callable[[float], None] = time.sleep) -> None:
    """Block until the sender's domain may send one more message."""
    limiter = _limiter(cfg.rate_per_domain, cfg.redis_url)
    if limiter is None:
        return
    domain = sender.rsplit("@", 1)[-1].lower()
    while (wait := limiter.take(domain)) > 0:
        sleep(min(wait, 1.0))

