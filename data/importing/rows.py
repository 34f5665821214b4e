"""One row's cells → a validated InfluencerIn, or an error naming the target and source column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from data.fx import known_currencies, to_usd
from data.importing.engagement import account_engagement
from data.importing.targets import ACCOUNT_FIELDS, LIST_FIELDS, RATE_FIELDS, Target
from data.importing.values import (
    CellError,
    clean_handle,
    is_empty,
    parse_age,
    parse_birth_year,
    parse_bool,
    parse_count,
    parse_gender,
    parse_money,
    slugify_name,
    split_list,
)
from data.schemas import InfluencerIn
from data.taxonomy import country_code, language_code, niches_in, platform_for
from data.types import NICHES, PLATFORMS


@dataclass(frozen=True)
class ImportRow:
    """One data row's outcome: a profile, or None and the reason (naming the target and source column)."""

    row: int  # 1-based data row as a spreadsheet shows it (header excluded); JSONL: line number
    profile: InfluencerIn | None
    error: str | None
    warnings: tuple[str, ...] = ()
    merge_key: str | None = None  # the row's value in the `merge_on` column: rows sharing it are one creator


_LANGUAGE_SPLIT = re.compile(r"\s*(?:[,;|/]|\band\b)\s*")
_SHARE_NOTE = re.compile(r"\(.*?\)|[\d.,]+\s*%")
_SCIENTIFIC = re.compile(r"[\d.]+[eE]\+?\d+")


@dataclass
class _Account:
    values: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (column label, raw)


class RowBuilder:
    """Collects one row's (target, column, raw value) cells and turns them into an InfluencerIn dict."""

    def __init__(self, default_platform: str, fraction_columns: frozenset[str] | None, followers_column: str) -> None:
        self.default_platform = default_platform
        self.fraction_columns = fraction_columns  # None: decide per value (JSON)
        self.followers_column = followers_column
        self.scalars: dict[str, tuple[str, str]] = {}
        self.lists: dict[str, list[tuple[str, str]]] = {}
        self.accounts: dict[str | None, _Account] = {}
        self.rates: dict[str, tuple[str, str]] = {}
        self.rate_currency: dict[str, str | None] = {}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.sources: dict[tuple[Any, ...], tuple[str, str]] = {}

    def fail(self, target: str, column: str, message: str) -> None:
        self.errors.append(f'{target} (column "{column}"): {message}' if column else f"{target}: {message}")

    def _keep(self, store: dict[str, tuple[str, str]], name: str, column: str, raw: str) -> bool:
        """Keep the first value of a single-valued field; a later different value becomes a warning."""
        if name != "bio":
            raw = " ".join(raw.split())  # a one-line field: cells spanning lines, stray tabs
        held = store.get(name)
        if held is None:
            store[name] = (column, raw)
            return True
        if held[1].strip().lower() != raw.strip().lower() and name != "avg_interactions":
            self.warnings.append(f'{name}: kept "{held[1].strip()}" from column "{held[0]}", '
                                 f'ignored different "{raw.strip()}" from column "{column}"')
        return False

    def add(self, target: Target, column: str, raw: str) -> None:
        if is_empty(raw):
            return
        name = target.field
        if name in LIST_FIELDS:
            self.lists.setdefault(name, []).append((column, raw))
        elif name in ACCOUNT_FIELDS:
            self._keep(self.accounts.setdefault(target.platform, _Account()).values, name, column, raw)
        elif name in RATE_FIELDS:
            if self._keep(self.rates, name, column, raw):
                self.rate_currency[name] = target.currency
        else:
            self._keep(self.scalars, name, column, raw)

    # -- pieces

    def _platform(self) -> str:
        if "platform" in self.scalars:
            column, raw = self.scalars["platform"]
            names = split_list(raw) or [raw]
            slug = platform_for(names[0])
            if slug is None:
                self.fail("platform", column, f"'{raw.strip()}' is not a supported platform ({', '.join(PLATFORMS)})")
                return self.default_platform
            if len(names) > 1:
                self.warnings.append(f'platform: "{raw.strip()}" names several platforms; used {slug}')
            return slug
        loose = self.accounts.get(None)
        for key in ("profile_url", "handle"):
            if loose and key in loose.values:
                _, platform = clean_handle(loose.values[key][1])
                if platform:
                    return platform
        return self.default_platform

    def _account(self, platform: str, acc: _Account, fallback_handle: str | None, index: int) -> dict[str, Any] | None:
        out: dict[str, Any] = {"platform": platform}
        handle = None
        for key in ("handle", "profile_url"):
            if key in acc.values and handle is None:
                column, raw = acc.values[key]
                value, _ = clean_handle(raw)
                if value:
                    handle = value
                    self.sources[("platforms", index, "handle")] = (key, column)
        handle = handle or fallback_handle
        if "followers" not in acc.values:
            return None
        column, raw = acc.values["followers"]
        self.sources[("platforms", index, "followers")] = ("followers", column)
        try:
            out["followers"] = parse_count(raw)
        except CellError as exc:
            self.fail("followers", column, str(exc))
            return out
        if handle is None:
            return out
        out["handle"] = handle
        if "avg_views" in acc.values:
            column, raw = acc.values["avg_views"]
            self.sources[("platforms", index, "avg_views")] = ("avg_views", column)
            try:
                out["avg_views"] = parse_count(raw)
            except CellError as exc:
                self.fail("avg_views", column, str(exc))
        found = account_engagement(platform, acc.values, out["followers"], out.get("avg_views"), self.fraction_columns)
        self.errors.extend(found.errors)
        self.warnings.extend(found.notes)
        if found.rate is not None:
            out["engagement_rate"], self.sources[("platforms", index, "engagement_rate")] = found.rate
        if found.by_views is not None:
            out["engagement_rate_by_views"] = found.by_views
        return out

    def _accounts(self, name: str | None) -> tuple[list[dict[str, Any]], str | None]:
        row_platform = self._platform()
        accounts = dict(self.accounts)
        loose = accounts.pop(None, None)
        if loose is not None:
            main = accounts.setdefault(row_platform, _Account())
            main.values = {**loose.values, **main.values}
        ordered = sorted(accounts.items(), key=lambda kv: kv[0] != row_platform)
        fallback = None
        for _, acc in ordered:
            for key in ("handle", "profile_url"):
                if key in acc.values and fallback is None:
                    fallback = clean_handle(acc.values[key][1])[0] or None
        if fallback is None and name:
            fallback = slugify_name(name) or None
        built: list[dict[str, Any]] = []
        skipped: list[str] = []
        for platform, acc in ordered:
            assert platform is not None
            result = self._account(platform, acc, fallback, len(built))
            if result is None:
                shown = acc.values.get("handle", acc.values.get("profile_url", ("", "")))[1].strip()
                skipped.append(f"{platform} account {shown!r}" if shown else f"{platform} account")
            else:
                built.append(result)
        if built:
            self.warnings.extend(f"{what} skipped: no followers value" for what in skipped)
        elif name or fallback:
            self.fail("followers", self.followers_column, "missing")
        return built, fallback

    def _list_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        niches: list[str] = []
        topics: list[str] = []
        for column, raw in self.lists.get("niches", []):
            for label in split_list(raw):
                found = niches_in(label)
                niches.extend(found)
                if label.lower() not in NICHES and len(topics) < 50:
                    topics.append(label)
                if found:
                    self.sources.setdefault(("niches",), ("niches", column))
        for column, raw in self.lists.get("topics", []):
            topics.extend(split_list(raw))
            self.sources.setdefault(("topics",), ("topics", column))
        if niches:
            out["niches"] = list(dict.fromkeys(niches))
        if topics:
            out["topics"] = topics
        for column, raw in self.lists.get("past_brands", []):
            out.setdefault("past_brands", []).extend(split_list(raw))
            self.sources.setdefault(("past_brands",), ("past_brands", column))
        for column, raw in self.lists.get("languages", []):
            for item in _LANGUAGE_SPLIT.split(raw.strip()):
                if not item or is_empty(item):
                    continue
                code = language_code(item)
                if code:
                    out.setdefault("languages", []).append(code)
                else:
                    self.warnings.append(f'languages: "{item}" in column "{column}" is not a known language; left out')
        countries: list[str] = []
        for column, raw in self.lists.get("audience_country", []):
            for item in split_list(raw.replace("/", ",")):
                label = _SHARE_NOTE.sub("", item).strip()
                code = country_code(label) if label else None
                if code:
                    countries.append(code)
                elif label:
                    self.warnings.append(f'audience_country: "{label}" in column "{column}" is not a country; left out')
        if countries:
            out["audience"] = {"top_countries": list(dict.fromkeys(countries))[:20]}
        return out

    def _location(self) -> dict[str, str] | None:
        loc: dict[str, str] = {}
        for key in ("city", "region"):
            if key in self.scalars:
                loc[key] = self.scalars[key][1].strip()
                self.sources[("location", key)] = (key, self.scalars[key][0])
        country_raw = self.scalars.get("country")
        if country_raw and not country_code(country_raw[1]):
            self.warnings.append(f'country: "{country_raw[1].strip()}" in column "{country_raw[0]}" is not a country; '
                                 "left out")
            country_raw = None
        if "location" in self.scalars:
            column, raw = self.scalars["location"]
            parts = [p.strip() for p in raw.split(",") if p.strip()]
            if parts and _location_country(parts[-1]):  # "Mumbai, India", "India": the explicit Country wins
                last = parts.pop()
                country_raw = country_raw or (column, last)
            if parts:
                loc.setdefault("city", parts[0])
            if len(parts) > 1:
                loc.setdefault("region", ", ".join(parts[1:]))
            for key in ("city", "region"):
                self.sources.setdefault(("location", key), ("location", column))
        if country_raw:
            loc["country"] = country_code(country_raw[1]) or ""
        return loc or None

    def _person(self, profile: dict[str, Any]) -> None:
        """The creator's gender and birth year (an age column gives the birth year it implies this year)."""
        if "gender" in self.scalars:
            column, raw = self.scalars["gender"]
            try:
                profile["gender"] = parse_gender(raw)
                self.sources[("gender",)] = ("gender", column)
            except CellError as exc:
                self.warnings.append(f'gender (column "{column}"): {exc}; left out')
        for key in ("birth_year", "age"):
            if key in self.scalars and "birth_year" not in profile:
                column, raw = self.scalars[key]
                try:
                    year = parse_birth_year(raw) if key == "birth_year" else parse_age(raw, datetime.now(UTC).year)
                except CellError as exc:
                    self.warnings.append(f'{key} (column "{column}"): {exc}; left out')
                    continue
                profile["birth_year"] = year
                self.sources[("birth_year",)] = (key, column)

    def _rates(self) -> dict[str, Decimal] | None:
        default_currency = None
        if "rate_currency" in self.scalars:
            column, raw = self.scalars["rate_currency"]
            default_currency = raw.strip().upper()
            if default_currency not in known_currencies():
                self.fail("rate_currency", column, f"unknown currency '{raw.strip()}'")
                return None
        rates: dict[str, Decimal] = {}
        for name, (column, raw) in self.rates.items():
            column_currency = self.rate_currency.get(name)
            try:
                amount, cell_currency, is_range = parse_money(raw)
            except CellError as exc:
                self.fail(name, column, str(exc))
                continue
            currency = cell_currency or column_currency or default_currency or "USD"
            if is_range:
                self.warnings.append(f'{name}: "{raw.strip()}" is a range; used the lower bound')
            key = name.removeprefix("rate_")
            rates[key] = to_usd(amount, currency)
            self.sources[("rates_usd", key)] = (name, column)
        return rates or None

    # -- whole row

    def build(self) -> dict[str, Any]:
        name = self.scalars.get("name", ("", ""))[1].strip() or None
        accounts, handle = self._accounts(name)
        profile: dict[str, Any] = {}
        if name:
            profile["name"] = name
            self.sources[("name",)] = ("name", self.scalars["name"][0])
        elif handle:
            profile["name"] = handle
        if not name and not handle:
            self.errors.append("name/handle: the row has no name, handle or profile URL")
        if accounts and "handle" in accounts[0]:
            profile["handle"] = accounts[0]["handle"]
        profile["platforms"] = accounts
        for key in ("email", "phone", "bio"):
            if key in self.scalars:
                column, raw = self.scalars[key]
                value = raw.strip()
                if key == "email" and re.search(r"[,;\s]", value):
                    first = re.split(r"[,;\s]+", value)[0]
                    self.warnings.append(f'email: "{value}" holds several addresses; used {first}')
                    value = first
                if key == "phone" and _SCIENTIFIC.fullmatch(value):
                    self.warnings.append(f'phone: "{value}" is in scientific notation (spreadsheet damage); left out')
                    continue
                profile[key] = value
                self.sources[(key,)] = (key, column)
        self._person(profile)
        if "verified" in self.scalars:
            column, raw = self.scalars["verified"]
            try:
                profile["verified"] = parse_bool(raw)
            except CellError as exc:
                self.fail("verified", column, str(exc))
        location = self._location()
        if location:
            profile["location"] = location
        rates = self._rates()
        if rates:
            profile["rates_usd"] = rates
        profile.update(self._list_values())
        return profile


def _location_country(part: str) -> str | None:
    """A country at the end of a location; two-letter parts only as 'UK'/'US' ("Los Angeles, CA" is no Canada)."""
    if len(part.strip()) <= 2 and part.strip().upper() not in {"UK", "US"}:
        return None
    return country_code(part)


def explain(exc: ValidationError, sources: dict[tuple[Any, ...], tuple[str, str]]) -> str:
    """A concise, column-naming reason from a pydantic ValidationError."""
    parts: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or "profile"
        for size in range(len(loc), 0, -1):
            if loc[:size] in sources:
                target, column = sources[loc[:size]]
                where = f'{target} (column "{column}")'
                break
        message = str(err["msg"]).removeprefix("Value error, ")
        value = err.get("input")
        if err["type"] != "missing" and isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
            shown = str(value)
            message += f" (got {shown[:40] + '…' if len(shown) > 40 else shown})"
        parts.append(f"{where}: {message}")
    return "; ".join(dict.fromkeys(parts))


def finish_row(row: int, builder: RowBuilder) -> ImportRow:
    payload = builder.build()
    if builder.errors:
        return ImportRow(row, None, "; ".join(dict.fromkeys(builder.errors)), tuple(builder.warnings))
    try:
        profile = InfluencerIn.model_validate(payload)
    except ValidationError as exc:
        return ImportRow(row, None, explain(exc, builder.sources), tuple(builder.warnings))
    return ImportRow(row, profile, None, tuple(builder.warnings))
