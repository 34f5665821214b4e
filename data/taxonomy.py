"""Vocabulary shared by the importer and the search query parser.

Free-text labels (creator-export categories, niche words, platform names, country and language names)
are normalized to the slugs and codes stored on a profile:

- `niche_for(label)` / `niches_in(text)`: category labels and niche synonyms → niche slugs (data/types.py).
  A label that maps to nothing returns None / []: callers keep it as a free-text topic.
- `platform_for(label)`: "IG", "insta", "YT", "X", … → platform slug.
- `country_code(label)`: "United States", "UK", "USA", "us", "GBR" → ISO-3166 alpha-2 (pycountry + aliases).
- `language_code(label)`: "English", "hin", "Farsi" → ISO-639-1.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

from data.types import NICHES, PLATFORMS

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize_label(label: str) -> str:
    """Lowercase, NFKC, '&' → 'and', punctuation → single spaces: 'Music & Dance!' → 'music and dance'."""
    text = unicodedata.normalize("NFKC", label).lower().replace("&", " and ").replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", text).split())


# Category labels as they appear in creator-database exports (HypeAuditor-style "Category_1/2" columns,
# InfluAI "category", agency sheets). Keys are written naturally and normalized at import time.
CATEGORY_LABELS: dict[str, str] = {
    "Sports with a ball": "sports",
    "Racing Sports": "sports",
    "Water sports": "sports",
    "Winter sports": "sports",
    "Music & Dance": "music",
    "Modeling": "fashion",
    "Clothing & Outfits": "fashion",
    "Accessories & Jewellery": "fashion",
    "Accessories & Jewelry": "fashion",
    "Shoes": "fashion",
    "Lifestyle": "lifestyle",
    "Luxury": "lifestyle",
    "Cinema & Actors/actresses": "entertainment",
    "Shows": "entertainment",
    "Celebrity": "entertainment",
    "Humor & Fun & Happiness": "comedy",
    "Beauty": "beauty",
    "Fitness & Gym": "fitness",
    "Finance & Economics": "finance",
    "Family": "parenting",
    "Kids & Toys": "parenting",
    "Computers & Gadgets": "tech",
    "Science": "education",
    "Literature & Journalism": "education",
    "Education": "education",
    "Food & Cooking": "food",
    "Animals": "pets",
    "Cars & Motorbikes": "automotive",
    "Photography": "photography",
    "Art/Artists": "art",
    "Design": "art",
    "Nature & landscapes": "outdoors",
    "Travel": "travel",
    "Video games": "gaming",
    "Gaming": "gaming",
    "Business & Careers": "business",
    "Management & Marketing": "business",
    "Health & Medicine": "health",
    "Mental health": "health",
    "Home & Garden": "home",
    "Ecology & Sustainability": "sustainability",
}

# Lowercase phrase → niche slug. Single words and short phrases people type in a search box or a
# "topics"/"niche" cell. Ambiguous words ("fun", "life", "show", "video") are deliberately absent. This is the one
# source for niche words: the search lexicon (agent/query/lexicon.py) builds on it and only adds query slang.
# Decisions a marketer would expect: "wellness" is health ("health & wellness"), not lifestyle; subjects that cut
# across niches ("dance", "dancers", "books", "booktok") name no niche at all and stay free-text topics, so a
# search for dancers finds dance creators filed under music, fitness or entertainment alike. The export category
# "Music & Dance" (a whole label, CATEGORY_LABELS) is still music.
NICHE_SYNONYMS: dict[str, str] = {
    # beauty
    "skincare": "beauty", "skin care": "beauty", "makeup": "beauty", "make up": "beauty", "cosmetics": "beauty",
    "hair": "beauty", "haircare": "beauty", "hair care": "beauty", "nails": "beauty", "nail art": "beauty",
    "beauty": "beauty", "grwm": "beauty", "makeup artist": "beauty", "makeup artists": "beauty",
    "beauty bloggers": "beauty",
    # fashion
    "fashion": "fashion", "style": "fashion", "outfits": "fashion", "outfit": "fashion", "ootd": "fashion",
    "clothing": "fashion", "streetwear": "fashion", "jewellery": "fashion", "jewelry": "fashion",
    "modeling": "fashion", "modelling": "fashion", "sneakers": "fashion", "stylist": "fashion", "stylists": "fashion",
    "fashionista": "fashion", "fashionistas": "fashion",
    # fitness
    "fitness": "fitness", "gym": "fitness", "workout": "fitness", "workouts": "fitness", "bodybuilding": "fitness",
    "yoga": "fitness", "pilates": "fitness", "crossfit": "fitness", "running": "fitness", "bodybuilders": "fitness",
    "personal trainer": "fitness", "personal trainers": "fitness", "fitness coaches": "fitness",
    "home workouts": "fitness",
    # food
    "food": "food", "recipes": "food", "recipe": "food", "cooking": "food", "baking": "food", "foodie": "food",
    "chef": "food", "vegan": "food", "restaurants": "food", "drinks": "food", "foodies": "food", "chefs": "food",
    "cooks": "food", "home chefs": "food", "home cooks": "food", "bakers": "food", "food bloggers": "food",
    # travel
    "travel": "travel", "travelling": "travel", "traveling": "travel", "tourism": "travel", "wanderlust": "travel",
    "travelers": "travel", "travellers": "travel", "digital nomads": "travel", "travel bloggers": "travel",
    "travel vloggers": "travel",
    # tech
    "tech": "tech", "technology": "tech", "gadgets": "tech", "computers": "tech", "software": "tech",
    "programming": "tech", "coding": "tech", "ai": "tech", "smartphones": "tech", "unboxing": "tech",
    "gadget": "tech", "tech reviewers": "tech",
    # gaming
    "gaming": "gaming", "gamer": "gaming", "gamers": "gaming", "games": "gaming", "video games": "gaming",
    "esports": "gaming", "streaming": "gaming", "streamer": "gaming", "streamers": "gaming",
    "twitch streamer": "gaming",
    # finance
    "finance": "finance", "crypto": "finance", "cryptocurrency": "finance", "investing": "finance",
    "investment": "finance", "stocks": "finance", "trading": "finance", "personal finance": "finance",
    "money": "finance", "economics": "finance", "investors": "finance",
    # parenting
    "parenting": "parenting", "mom": "parenting", "moms": "parenting", "mum": "parenting", "mommy": "parenting",
    "dad": "parenting", "family": "parenting", "kids": "parenting", "baby": "parenting", "motherhood": "parenting",
    "parents": "parenting", "mums": "parenting", "dads": "parenting", "families": "parenting",
    "mom bloggers": "parenting",
    # lifestyle
    "lifestyle": "lifestyle", "luxury": "lifestyle", "vlog": "lifestyle", "vlogger": "lifestyle",
    "daily vlog": "lifestyle", "vloggers": "lifestyle",
    # music
    "music": "music", "musician": "music", "musicians": "music", "singer": "music", "singers": "music",
    "rapper": "music", "rappers": "music", "dj": "music", "djs": "music", "hip hop": "music", "kpop": "music",
    "k pop": "music",
    # sports
    "sports": "sports", "sport": "sports", "football": "sports", "soccer": "sports", "basketball": "sports",
    "cricket": "sports", "tennis": "sports", "golf": "sports", "racing": "sports", "athlete": "sports",
    "mma": "sports", "boxing": "sports", "athletes": "sports",
    # education
    "education": "education", "learning": "education", "science": "education", "study": "education",
    "teacher": "education", "teachers": "education", "educators": "education", "history": "education",
    "language learning": "education", "edtech": "education",
    # health
    "health": "health", "nutrition": "health", "medicine": "health", "doctor": "health",
    "mental health": "health", "healthcare": "health", "dietitian": "health", "wellness": "health",
    "doctors": "health", "dietitians": "health", "nutritionists": "health",
    # pets
    "pets": "pets", "pet": "pets", "dogs": "pets", "dog": "pets", "cats": "pets", "cat": "pets",
    "animals": "pets", "puppy": "pets", "pet food": "pets", "dog moms": "pets",
    "pet owners": "pets",
    # home
    "home": "home", "diy": "home", "decor": "home", "home decor": "home", "interior": "home",
    "interior design": "home", "interiors": "home", "gardening": "home", "garden": "home", "cleaning": "home",
    "organization": "home",
    # automotive
    "automotive": "automotive", "cars": "automotive", "car": "automotive", "motorbikes": "automotive",
    "motorcycles": "automotive", "auto": "automotive", "ev": "automotive", "supercars": "automotive",
    # entertainment
    "entertainment": "entertainment", "movies": "entertainment", "cinema": "entertainment",
    "film": "entertainment", "tv": "entertainment", "actor": "entertainment", "actress": "entertainment",
    "celebrity": "entertainment", "celebrities": "entertainment", "actors": "entertainment",
    "shows": "entertainment", "anime": "entertainment",
    # business
    "business": "business", "entrepreneur": "business", "entrepreneurs": "business", "founders": "business",
    "marketers": "business", "entrepreneurship": "business",
    "marketing": "business", "startups": "business", "careers": "business", "career": "business",
    "b2b": "business", "real estate": "business",
    # art
    "art": "art", "artist": "art", "artists": "art", "drawing": "art", "painting": "art",
    "illustration": "art", "illustrators": "art", "painters": "art", "design": "art", "crafts": "art",
    # photography
    "photography": "photography", "photographer": "photography", "photographers": "photography",
    "photo": "photography",
    # comedy
    "comedy": "comedy", "humor": "comedy", "humour": "comedy", "memes": "comedy", "funny": "comedy",
    "comedian": "comedy", "comedians": "comedy", "pranks": "comedy", "skits": "comedy",
    # outdoors
    "outdoors": "outdoors", "outdoor": "outdoors", "hiking": "outdoors", "camping": "outdoors",
    "nature": "outdoors", "adventure": "outdoors", "climbing": "outdoors", "fishing": "outdoors",
    "surfing": "outdoors",
    # sustainability
    "sustainability": "sustainability", "sustainable": "sustainability", "eco": "sustainability",
    "eco friendly": "sustainability", "zero waste": "sustainability", "climate": "sustainability",
    "green living": "sustainability", "ecology": "sustainability",
}

_SLUGS = frozenset(NICHES)
_LABELS: dict[str, str] = {normalize_label(k): v for k, v in CATEGORY_LABELS.items()}
_PHRASES: dict[str, str] = {normalize_label(k): v for k, v in NICHE_SYNONYMS.items()}
_MAX_PHRASE_WORDS = max(len(k.split()) for k in _PHRASES)

assert set(_LABELS.values()) | set(_PHRASES.values()) <= _SLUGS, "taxonomy maps to an unknown niche slug"


def _exact(norm: str) -> str | None:
    if norm in _SLUGS:
        return norm
    return _LABELS.get(norm) or _PHRASES.get(norm)


@lru_cache(maxsize=4096)
def niches_in(text: str) -> tuple[str, ...]:
    """Every niche a label or phrase names, in order of appearance.

    A known category label or synonym as a whole wins ("Sports with a ball" → sports); otherwise the
    longest known phrases inside it are used ("Fashion & Beauty" → fashion, beauty; "skincare routines"
    → beauty). Empty when nothing is recognized.
    """
    norm = normalize_label(text)
    whole = _exact(norm)
    if whole:
        return (whole,)
    words = norm.split()
    found: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            slug = _exact(" ".join(words[i : i + size]))
            if slug:
                if slug not in found:
                    found.append(slug)
                i += size
                break
        else:
            i += 1
    return tuple(found)


def niche_for(label: str) -> str | None:
    """The niche slug a label or phrase names (the first one if it names several), or None."""
    found = niches_in(label)
    return found[0] if found else None


PLATFORM_ALIASES: dict[str, str] = {
    "ig": "instagram", "insta": "instagram", "instagram": "instagram", "instagrammer": "instagram",
    "yt": "youtube", "youtube": "youtube", "you tube": "youtube", "youtuber": "youtube", "yt shorts": "youtube",
    "youtube shorts": "youtube",
    "tiktok": "tiktok", "tik tok": "tiktok", "tt": "tiktok", "tiktoker": "tiktok",
    "x": "twitter", "twitter": "twitter", "x twitter": "twitter", "twitter x": "twitter", "tweet": "twitter",
    "twitch": "twitch", "linkedin": "linkedin", "linked in": "linkedin", "li": "linkedin",
    "facebook": "facebook", "fb": "facebook", "meta": "facebook",
    "snapchat": "snapchat", "snap": "snapchat", "pinterest": "pinterest", "pin": "pinterest",
}


def platform_for(label: str) -> str | None:
    """Platform slug for a platform name or abbreviation ('IG', 'YT', 'X (Twitter)'), else None."""
    norm = normalize_label(label)
    return norm if norm in PLATFORMS else PLATFORM_ALIASES.get(norm)


# Names people write that pycountry's lookup does not know.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "usa": "US", "u s": "US", "u s a": "US", "america": "US", "united states of america": "US", "the us": "US",
    "uae": "AE", "u a e": "AE", "emirates": "AE", "dubai": "AE",
    "russia": "RU", "korea": "KR", "south korea": "KR", "republic of korea": "KR", "turkey": "TR",
    "ivory coast": "CI", "holland": "NL", "the netherlands": "NL", "macau": "MO", "macao": "MO",
    "palestine": "PS", "kosovo": "XK", "xk": "XK", "cape verde": "CV", "swaziland": "SZ", "burma": "MM",
    "dr congo": "CD", "drc": "CD", "congo kinshasa": "CD", "micronesia": "FM", "vatican": "VA",
    "ksa": "SA", "saudi": "SA", "czechia": "CZ", "bosnia": "BA", "east timor": "TL", "brasil": "BR",
    "méxico": "MX", "deutschland": "DE", "españa": "ES", "espana": "ES", "türkiye": "TR", "turkiye": "TR",
}


@lru_cache(maxsize=2048)
def country_code(label: str) -> str | None:
    """ISO-3166 alpha-2 code for a country name or code ('India', 'UK', 'usa', 'DEU'), else None."""
    text = label.strip()
    if not text:
        return None
    norm = normalize_label(text)
    if norm in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[norm]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


LANGUAGE_ALIASES: dict[str, str] = {
    "farsi": "fa", "mandarin": "zh", "cantonese": "zh", "filipino": "tl", "tagalog": "tl", "taglish": "tl",
    "hinglish": "hi", "brazilian portuguese": "pt", "castilian": "es", "flemish": "nl", "bahasa": "id",
    "bahasa indonesia": "id", "bahasa melayu": "ms", "english us": "en", "english uk": "en",
}


@lru_cache(maxsize=1024)
def language_code(label: str) -> str | None:
    """ISO-639-1 code for a language name or code ('English', 'hin', 'pt-BR', 'Farsi'), else None."""
    norm = normalize_label(label)
    if not norm:
        return None
    if norm in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[norm]
    head = norm.split()[0]
    if len(head) == 2 and pycountry.languages.get(alpha_2=head):  # 'en', 'pt br'
        return head
    try:
        lang = pycountry.languages.lookup(norm)
    except LookupError:
        return None
    return getattr(lang, "alpha_2", None)
