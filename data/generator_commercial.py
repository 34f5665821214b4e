"""A synthetic creator's rate card, audience and contact details (for `data.generator`)."""

from __future__ import annotations

import random
from typing import Any

from data import generator_draws as D
from data import generator_vocab as V


def rates(rng: random.Random, accounts: list[dict[str, Any]], noises: list[float]) -> dict[str, int | None] | None:
    if rng.random() < 0.12:
        return None
    by_platform = {a["platform"]: (a, n) for a, n in zip(accounts, noises, strict=True)}
    ref, noise = accounts[0], noises[0]  # the post rate is quoted for the main account

    def price(account: dict[str, Any], factor: float) -> float:
        cpm = V.PLATFORM_STATS[account["platform"]][2]
        return cpm * (account["followers"] / 1000) ** 0.95 * factor * D.ln(rng, 0.3)

    post = 35 * D.ln(rng, 0.3) + price(ref, noise**0.4)  # nano creators still charge a floor fee
    rates: dict[str, int | None] = {"post": D.nice_usd(post), "story": None, "reel": None, "video": None}
    if by_platform.keys() & V.STORY_PLATFORMS and rng.random() < 0.9:
        rates["story"] = D.nice_usd(post * 0.25 * D.ln(rng, 0.15))
    if by_platform.keys() & V.REEL_PLATFORMS and rng.random() < 0.9:
        rates["reel"] = D.nice_usd(post * 1.3 * D.ln(rng, 0.15))
    for video_platform, factor in (("youtube", 1.0), ("tiktok", 1.1), ("twitch", 1.0)):
        if video_platform in by_platform and rng.random() < 0.9:
            account, n = by_platform[video_platform]
            rates["video"] = D.nice_usd(max(60.0, price(account, factor * n**0.4)))
            break
    return rates


def audience(rng: random.Random, niches: list[str], female_creator: bool, country: str) -> dict[str, Any] | None:
    if rng.random() < 0.08:
        return None
    primary = V.DEMOGRAPHICS[niches[0]]
    female = primary[1]
    ages = list(primary[2])
    if len(niches) > 1:
        secondary = [V.DEMOGRAPHICS[n] for n in niches[1:]]
        female = 0.7 * female + 0.3 * sum(d[1] for d in secondary) / len(secondary)
        for d in secondary:
            ages = [a + 0.3 * b / len(secondary) for a, b in zip(ages, d[2], strict=True)]
    female += (6 if female_creator else -6) + rng.gauss(0, 6)
    female_pct = round(min(max(female, 3.0), 97.0))
    male_pct = 100 - female_pct - D.ch(rng, (0, 0, 0, 1, 2))
    weights = [a * (0.7 + 0.6 * rng.random()) for a in ages]
    scale = (100 - D.ri(rng, 0, 3)) / sum(weights)
    pcts = [int(w * scale) for w in weights]
    home = V.COUNTRIES[country]["audience"]
    k = D.ri(rng, 1, 4)
    others = D.sample(rng, home[: k + 2], min(k, len(home)))
    top = [country, *others] if rng.random() < 0.85 else [*others[:1], country, *others[1:]]
    audience: dict[str, Any] = {
        "female_pct": female_pct, "male_pct": male_pct,
        "age_13_17_pct": pcts[0], "age_18_24_pct": pcts[1], "age_25_34_pct": pcts[2],
        "age_35_44_pct": pcts[3], "age_45_plus_pct": pcts[4], "top_countries": top,
    }
    if rng.random() < 0.1:  # some media kits only give the two biggest brackets
        audience["age_13_17_pct"] = audience["age_35_44_pct"] = audience["age_45_plus_pct"] = None
    return audience


def contact(rng: random.Random, first: str, last: str, handle: str, country: str, area: str, city: str,
             log_f: float) -> tuple[str | None, str | None]:
    email = None
    if rng.random() < 0.78 + 0.04 * (log_f - 3):
        domain = D.ch(rng, ("example.com", "example.com", "example.com", "example.net", "example.org"))
        local = D.ch(rng, (f"{first}.{last}", f"{first}{last}", handle, f"collabs.{handle}", f"{first}",
                            f"hello.{first}{last}", f"{first}.{last}.mgmt"))
        email = f"{local}@{domain}"
    phone = None
    if rng.random() < 0.68:
        template = V.COUNTRIES[country]["phone"].format(area=area or "555", area2=V.BR_AREA.get(city, "11"))
        phone = D.fill_digits(template, rng)
        if rng.random() < 0.25:
            phone = phone.replace(" ", "").replace("-", "")
    return email, phone
