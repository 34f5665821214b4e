"""The random draws of the synthetic-profile generator (`data.generator`): seeded per profile and cheaper than
`random.Random`'s own helpers, which dominate a naive profile of the generator.

Changing any draw changes every generated profile, and with them the demo seed and the benchmarks' data.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import math
import random
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed weighted table sampled with one uniform draw and a bisection."""

    __slots__ = ("_cum", "_total", "items")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = [(item, w) for item, w in pairs if w > 0]
        self.items: tuple[T, ...] = tuple(item for item, _ in pairs)
        self._cum = list(accumulate(w for _, w in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self._cum, rng.random() * self._total)]


def rng_for(seed: int, index: int) -> random.Random:
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "big"))


def nice_usd(x: float) -> int:
    """Round a price the way creators quote it ($45, $380, $2,450, $18,500)."""
    step = 5 if x < 100 else 10 if x < 1000 else 50 if x < 10_000 else 100 if x < 100_000 else 500
    return max(step, round(x / step) * step)


def ri(rng: random.Random, a: int, b: int) -> int:
    """rng.randint without its overhead (randint dominates a naive profile)."""
    return a + int(rng.random() * (b - a + 1))


def ch(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def ln(rng: random.Random, sigma: float) -> float:
    """Lognormal noise with median 1."""
    return math.exp(rng.gauss(0.0, sigma))


def sample(rng: random.Random, seq: Sequence[T], k: int) -> list[T]:
    """k distinct items (a partial Fisher-Yates shuffle driven by rng.random)."""
    pool = list(seq)
    n = len(pool)
    for i in range(k):
        j = i + int(rng.random() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def uniform(rng: random.Random, lo: float, hi: float) -> float:
    return lo + (hi - lo) * rng.random()


def between(rng: random.Random, lo: int, hi: int) -> int:
    return lo + rng.getrandbits(64) % (hi - lo)


def fill_digits(template: str, rng: random.Random) -> str:
    parts = template.split("#")
    digits = f"{rng.getrandbits(64) % 10 ** (len(parts) - 1):0{len(parts) - 1}d}"
    return parts[0] + "".join(d + part for d, part in zip(digits, parts[1:], strict=True))


def code(rng: random.Random, n: int) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(6 * n).to_bytes(-(-6 * n // 8), "big")).decode()[:n]


def post_url(rng: random.Random, platform: str, handle: str) -> str:
    if platform == "instagram":
        return f"https://www.instagram.com/p/{code(rng, 11)}/"
    if platform == "tiktok":
        return f"https://www.tiktok.com/@{handle}/video/{between(rng, 73 * 10**17, 75 * 10**17)}"
    if platform == "youtube":
        return f"https://www.youtube.com/watch?v={code(rng, 11)}"
    if platform == "twitter":
        return f"https://x.com/{handle}/status/{between(rng, 187 * 10**16, 199 * 10**16)}"
    if platform == "twitch":
        return f"https://www.twitch.tv/videos/{between(rng, 2_000_000_000, 2_600_000_000)}"
    if platform == "linkedin":
        return f"https://www.linkedin.com/posts/{handle}_activity-{between(rng, 72 * 10**17, 74 * 10**17)}"
    if platform == "facebook":
        return f"https://www.facebook.com/{handle}/posts/{between(rng, 10**15, 10**16)}"
    if platform == "pinterest":
        return f"https://www.pinterest.com/pin/{between(rng, 10**17, 10**18)}/"
    return f"https://www.snapchat.com/spotlight/{code(rng, 16)}"
