"""Query-side vocabulary: how marketers name niches, platforms, languages, tiers and sort orders.

Richer than `data.taxonomy` (which normalizes stored labels): it knows search-box slang ("MUA", "gym rats",
"finfluencers") and which words are filler ("find me", "influencers", "creators"). Two kinds of niche terms:

- `NICHE_TERMS`: a name for the niche itself ("skincare", "foodies") → consumed, sets the niche only;
- `SUBTOPICS`: narrower subjects ("crypto", "yoga", "K-beauty") → set the niche AND stay as a topic for
  semantic search, since a crypto search should not rank every finance creator equally.
"""

from __future__ import annotations

from data.types import PLATFORMS

try:  # the shared taxonomy; the query lexicon below adds to it and wins on conflicts
    from data.taxonomy import NICHE_SYNONYMS as _SHARED_SYNONYMS
except ImportError:  # pragma: no cover - taxonomy is optional for this module
    _SHARED_SYNONYMS = {}

# Terms whose meaning in a search query differs from the shared taxonomy or that a topic should keep.
_TAXONOMY_SKIP = frozenset({
    "crypto", "cryptocurrency", "yoga", "pilates", "crossfit", "running", "vegan", "streetwear", "sneakers",
    "soccer", "football", "basketball", "cricket", "tennis", "golf", "mma", "boxing", "racing", "books",
    "booktok", "history", "edtech", "mental health", "cats", "cat", "dance", "dancer", "kpop", "k pop",
    "hip hop", "diy", "ev", "supercars", "startups", "b2b", "real estate", "anime", "hiking", "camping",
    "climbing", "fishing", "surfing", "zero waste", "skits", "pranks", "memes", "wellness", "luxury",
    "unboxing", "ai", "style", "hair", "nails", "study", "interior", "organization", "cleaning", "design",
    "family", "kids", "baby", "money", "shows", "tv", "film", "movies", "trading", "stocks", "drinks",
    "restaurants", "green living", "climate", "eco", "nature", "adventure", "photo", "learning", "science",
    "doctor", "medicine", "nutrition", "dietitian",
})

# phrase (lower case, words separated by single spaces) → niche slug
NICHE_TERMS: dict[str, str] = {k: v for k, v in _SHARED_SYNONYMS.items() if k not in _TAXONOMY_SKIP}
NICHE_TERMS.update({
    # beauty
    "beauty": "beauty", "skincare": "beauty", "skin care": "beauty", "skin": "beauty", "makeup": "beauty",
    "make up": "beauty", "make-up": "beauty", "mua": "beauty", "muas": "beauty", "makeup artist": "beauty",
    "makeup artists": "beauty", "skinfluencer": "beauty", "skinfluencers": "beauty", "beauty gurus": "beauty",
    "beauty guru": "beauty", "skincare gurus": "beauty", "skincare guru": "beauty", "beauty bloggers": "beauty",
    "cosmetics": "beauty", "haircare": "beauty", "hair care": "beauty", "nail art": "beauty", "grwm": "beauty",
    # fashion
    "fashion": "fashion", "fashionistas": "fashion", "fashionista": "fashion", "outfits": "fashion",
    "ootd": "fashion", "clothing": "fashion", "stylists": "fashion", "stylist": "fashion", "models": "fashion",
    # fitness
    "fitness": "fitness", "gym": "fitness", "gym rats": "fitness", "gym rat": "fitness", "gymrats": "fitness",
    "fitfluencers": "fitness", "fitfluencer": "fitness", "workout": "fitness", "workouts": "fitness",
    "personal trainers": "fitness", "personal trainer": "fitness", "fitness coaches": "fitness",
    "bodybuilders": "fitness", "bodybuilding": "fitness", "fitspo": "fitness",
    # food
    "food": "food", "foodie": "food", "foodies": "food", "recipe": "food", "recipes": "food", "cooking": "food",
    "cooks": "food", "chefs": "food", "chef": "food", "home chefs": "food", "home cooks": "food", "baking": "food",
    "bakers": "food", "food bloggers": "food", "food critics": "food",
    # travel
    "travel": "travel", "travelers": "travel", "travellers": "travel", "wanderlust": "travel",
    "digital nomads": "travel", "travel bloggers": "travel", "travel vloggers": "travel",
    # tech
    "tech": "tech", "techies": "tech", "technology": "tech", "gadgets": "tech", "gadget": "tech",
    "tech reviewers": "tech", "techtok": "tech", "software": "tech", "coding": "tech", "programming": "tech",
    "developers": "tech",
    # gaming
    "gaming": "gaming", "gamers": "gaming", "gamer": "gaming", "streamers": "gaming", "streamer": "gaming",
    "video games": "gaming", "esports": "gaming", "let's players": "gaming",
    # finance
    "finance": "finance", "personal finance": "finance", "finfluencers": "finance", "finfluencer": "finance",
    "fintok": "finance", "investing": "finance", "investors": "finance", "money": "finance",
    # parenting
    "parenting": "parenting", "parents": "parenting", "mom bloggers": "parenting", "mommy bloggers": "parenting",
    "mum bloggers": "parenting", "mom influencers": "parenting", "mommy influencers": "parenting",
    "momfluencers": "parenting", "momfluencer": "parenting", "mommy": "parenting", "mom": "parenting",
    "moms": "parenting", "mums": "parenting", "dads": "parenting", "dad": "parenting", "mamas": "parenting",
    "dad bloggers": "parenting", "motherhood": "parenting", "family": "parenting", "families": "parenting",
    # lifestyle
    "lifestyle": "lifestyle", "vloggers": "lifestyle", "vlogger": "lifestyle", "daily vlogs": "lifestyle",
    # music
    "music": "music", "musicians": "music", "musician": "music", "singers": "music", "rappers": "music",
    "djs": "music", "producers": "music",
    # sports
    "sports": "sports", "sport": "sports", "athletes": "sports", "athlete": "sports",
    # education
    "education": "education", "educators": "education", "educational": "education", "teachers": "education",
    "edutainment": "education", "science": "education",
    # health
    "health": "health", "wellness": "health", "healthy": "health", "nutritionists": "health",
    "nutrition": "health", "doctors": "health", "dietitians": "health",
    # pets
    "pets": "pets", "pet": "pets", "pet food": "pets", "dogs": "pets", "dog": "pets", "dog people": "pets",
    "dog lovers": "pets", "dog moms": "pets", "cat people": "pets", "pet owners": "pets", "petfluencers": "pets",
    "animals": "pets", "animal lovers": "pets",
    # home
    "home": "home", "home decor": "home", "decor": "home", "interior design": "home", "interiors": "home",
    "gardening": "home", "cleaning": "home", "cleantok": "home",
    # automotive
    "automotive": "automotive", "cars": "automotive", "car": "automotive", "car guys": "automotive",
    "car reviewers": "automotive", "car enthusiasts": "automotive", "petrolheads": "automotive",
    "motorcycles": "automotive",
    # entertainment
    "entertainment": "entertainment", "movies": "entertainment", "film": "entertainment",
    "celebrities": "entertainment", "actors": "entertainment",
    # business
    "business": "business", "entrepreneurs": "business", "entrepreneur": "business", "founders": "business",
    "thought leaders": "business", "marketing": "business", "marketers": "business",
    # art
    "art": "art", "artists": "art", "artist": "art", "illustrators": "art", "painters": "art", "crafts": "art",
    # photography
    "photography": "photography", "photographers": "photography", "photographer": "photography",
    # comedy
    "comedy": "comedy", "comedians": "comedy", "comedian": "comedy", "funny": "comedy", "humor": "comedy",
    "meme pages": "comedy",
    # outdoors
    "outdoors": "outdoors", "outdoor": "outdoors", "outdoorsy": "outdoors", "nature": "outdoors",
    "adventure": "outdoors",
    # sustainability
    "sustainability": "sustainability", "sustainable": "sustainability", "eco": "sustainability",
    "eco-friendly": "sustainability", "eco friendly": "sustainability", "green living": "sustainability",
    "climate": "sustainability",
})

# phrase → (niche or None, topic kept for semantic search)
SUBTOPICS: dict[str, tuple[str | None, str]] = {
    "k-beauty": ("beauty", "k-beauty"), "k beauty": ("beauty", "k-beauty"), "kbeauty": ("beauty", "k-beauty"),
    "clean beauty": ("beauty", "clean beauty"), "skincare routines": ("beauty", "skincare routines"),
    "sneaker": ("fashion", "sneakers"), "sneakers": ("fashion", "sneakers"), "sneakerheads": ("fashion", "sneakers"),
    "streetwear": ("fashion", "streetwear"), "thrifting": ("fashion", "thrifting"),
    "yoga": ("fitness", "yoga"), "yoga teachers": ("fitness", "yoga"), "yoga instructors": ("fitness", "yoga"),
    "pilates": ("fitness", "pilates"), "crossfit": ("fitness", "crossfit"),
    "running": ("fitness", "running"), "runners": ("fitness", "running"), "marathon": ("fitness", "marathon"),
    "home workouts": ("fitness", "home workouts"),
    "meal prep": ("food", "meal prep"),
    "crypto": ("finance", "crypto"), "cryptocurrency": ("finance", "crypto"), "bitcoin": ("finance", "bitcoin"),
    "budgeting": ("finance", "budgeting"), "debt payoff": ("finance", "debt payoff"),
    "stocks": ("finance", "stocks"), "real estate": ("business", "real estate"),
    "soccer": ("sports", "soccer"), "football": ("sports", "football"), "basketball": ("sports", "basketball"),
    "nba": ("sports", "nba"), "nfl": ("sports", "nfl"), "golf": ("sports", "golf"), "tennis": ("sports", "tennis"),
    "cricket": ("sports", "cricket"), "mma": ("sports", "mma"), "boxing": ("sports", "boxing"),
    "edtech": ("education", "edtech"), "study tips": ("education", "study tips"),
    "mental health": ("health", "mental health"),
    "cat": ("pets", "cats"), "cats": ("pets", "cats"),
    "diy": ("home", "diy"), "home renovation": ("home", "home renovation"),
    "ev": ("automotive", "ev"), "evs": ("automotive", "ev"), "electric vehicles": ("automotive", "ev"),
    "movie reviewers": ("entertainment", "movie reviews"), "movie reviews": ("entertainment", "movie reviews"),
    "anime": ("entertainment", "anime"),
    "startups": ("business", "startups"), "startup": ("business", "startups"),
    "digital artists": ("art", "digital art"), "digital art": ("art", "digital art"),
    "stand-up comedians": ("comedy", "stand-up"), "stand-up": ("comedy", "stand-up"),
    "standup": ("comedy", "stand-up"), "skits": ("comedy", "skits"), "pranks": ("comedy", "pranks"),
    "memes": ("comedy", "memes"),
    "hiking": ("outdoors", "hiking"), "hikers": ("outdoors", "hiking"), "camping": ("outdoors", "camping"),
    "fishing": ("outdoors", "fishing"), "climbing": ("outdoors", "climbing"), "surfing": ("outdoors", "surfing"),
    "van life": ("travel", "van life"), "vanlife": ("travel", "van life"),
    "zero waste": ("sustainability", "zero waste"), "sustainable living": ("sustainability", "sustainable living"),
    "mobile gaming": ("gaming", "mobile gaming"), "minecraft": ("gaming", "minecraft"),
    "fortnite": ("gaming", "fortnite"),
    "indie musicians": ("music", "indie"), "indie music": ("music", "indie"),
    "kpop": ("music", "k-pop"), "k-pop": ("music", "k-pop"), "hip hop": ("music", "hip hop"),
    "dancers": (None, "dance"), "dancer": (None, "dance"), "dance": (None, "dance"),
    "books": (None, "books"), "book": (None, "books"), "booktok": (None, "books"), "bookstagram": (None, "books"),
}

# Niche nouns that name a subject and so can carry an unknown modifier into a topic
# ("vegan recipe" → "vegan recipes", "budget travel", "keto food"); person nouns ("gamers") cannot.
SUBJECT_NOUNS: dict[str, str] = {
    "recipe": "recipes", "recipes": "recipes", "food": "food", "travel": "travel", "fashion": "fashion",
    "music": "music", "art": "art", "beauty": "beauty", "skincare": "skincare", "makeup": "makeup",
    "fitness": "fitness", "gaming": "gaming", "cooking": "cooking", "photography": "photography",
    "tech": "tech", "finance": "finance", "decor": "decor",
}

PLATFORM_TERMS: dict[str, str] = {p: p for p in PLATFORMS}
PLATFORM_TERMS.update({
    "ig": "instagram", "insta": "instagram", "instagram reels": "instagram", "reels": "instagram",
    "reel": "instagram", "instagrammers": "instagram", "instagrammer": "instagram", "igers": "instagram",
    "youtube shorts": "youtube", "yt shorts": "youtube", "shorts": "youtube",
    "yt": "youtube", "youtubers": "youtube", "youtuber": "youtube", "you tube": "youtube",
    "tik tok": "tiktok", "tiktokers": "tiktok", "tiktoker": "tiktok", "tiktokkers": "tiktok", "tt": "tiktok",
    "twitter/x": "twitter", "x/twitter": "twitter", "tweeters": "twitter",
    "x": "twitter", "fb": "facebook", "snap": "snapchat", "snapchatters": "snapchat", "pins": "pinterest",
    "linked in": "linkedin",
})
# Platform terms that are ordinary words elsewhere: only taken in platform context (“on X”, “X or TikTok”).
AMBIGUOUS_PLATFORM_TERMS = frozenset({"x", "snap", "shorts", "pins", "tt"})

# Language names (lower case) → ISO-639-1. Nationality words that are also language names ("French")
# count as a language only with a cue ("-speaking", "in French", "French content").
LANGUAGES: dict[str, str] = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de", "portuguese": "pt", "italian": "it",
    "hindi": "hi", "arabic": "ar", "japanese": "ja", "korean": "ko", "chinese": "zh", "mandarin": "zh",
    "cantonese": "zh", "russian": "ru", "turkish": "tr", "dutch": "nl", "polish": "pl", "indonesian": "id",
    "tagalog": "tl", "filipino": "tl", "vietnamese": "vi", "thai": "th", "swedish": "sv", "norwegian": "no",
    "danish": "da", "finnish": "fi", "greek": "el", "hebrew": "he", "urdu": "ur", "bengali": "bn",
    "tamil": "ta", "telugu": "te", "marathi": "mr", "punjabi": "pa", "swahili": "sw", "malay": "ms",
    "ukrainian": "uk", "romanian": "ro", "czech": "cs", "hungarian": "hu", "persian": "fa", "farsi": "fa",
}
# Language names that are not also a nationality adjective: enough on their own ("Arabic beauty creators").
BARE_LANGUAGES = frozenset({
    "english", "hindi", "arabic", "tagalog", "urdu", "bengali", "tamil", "telugu", "marathi", "punjabi",
    "swahili", "mandarin", "cantonese", "farsi", "persian",
})

# Follower tiers (min, max). "mid" and "macro" overlap on purpose: mid-tier is the lower part of macro
# (100k–499,999) as agencies use it; "macro" alone spans the whole CONTRACT macro band (100k–999,999).
TIERS: dict[str, tuple[int | None, int | None]] = {
    "nano": (None, 9_999),
    "micro": (10_000, 99_999),
    "mid": (100_000, 499_999),
    "mid-tier": (100_000, 499_999),
    "mid tier": (100_000, 499_999),
    "macro": (100_000, 999_999),
    "mega": (1_000_000, None),
}

# Words that carry no topic: who/what is being searched for, request phrasing, glue.
FILLER = frozenset(
    " ".join((
        "a an the and or but of for to with without who whom whose which that this these those is are was",
        "were be been being have has had do does did done i me my we us our you your it its they them their",
        "any some all anyone someone somebody people ppl folks find finding show showing give get looking",
        "look search searching need want wanted please plz pls can could would should like just also only too",
        "very really mostly predominantly mainly influencers influencer infleuncers influncers influensers",
        "infuencers creators creator content accounts account bloggers blogger vloggers pages page channels",
        "channel profiles profile talent talents personalities personality coaches coach reviewers reviewer",
        "guys girls gals ones one kind kinds type types list on in at from based near around across by via",
        "about talking talk talks post posts posting who's whos who've that's w w/ etc than more less over",
        "under least most lots lot good great top best new real actual prefer preferably ideally roughly",
        "approx approximately maybe make makes making focus focused focusing specialize specializing brand",
        "brands campaign campaigns product products launch instead nice cool popular famous big small up year",
        "years old speak speaks speaking where what when how here there now today first advocates enthusiasts",
        "lovers experts gurus pros specialists stars instructors trainers past previous prior asap min max",
        "per each thanks thank anywhere else other others add adding bigger larger smaller cheaper expensive",
        "affordable start scratch reset drop remove platform platforms location locations country city rather",
        "exclusively well include including except",
    )).split()
)

# Platforms the schema has no slug for: not a topic either.
UNSUPPORTED_PLATFORMS = frozenset({"spotify", "soundcloud", "threads", "reddit", "discord", "substack", "kick",
                                   "bereal", "tumblr", "vimeo", "clubhouse", "podcasts", "podcast"})

SORT_PATTERNS: list[tuple[str, str]] = [
    (r"\b(?:cheapest|lowest[- ]priced|least expensive|lowest (?:rate|price)s?)\b(?: first)?", "rate"),
    (r"\b(?:by|sorted by|sort by|order by|ordered by) (?:price|rate|cost)s?(?:,? lowest first)?", "rate"),
    (r"\blowest first\b", "rate"),
    (r"\b(?:biggest|largest|most[- ]followed|most followers|highest follower count)\b(?=(?: \w+){0,2}? first\b)",
     "followers"),
    (r"\b(?:most[- ]followed|most followers|biggest audiences?|largest audiences?)\b", "followers"),
    (r"\b(?:by|sorted by|sort by|order by|ordered by) (?:follower count|followers|audience size|size)\b",
     "followers"),
    (r"\b(?:by|sorted by|sort by|order by|ordered by) engagement(?: rate)?\b", "engagement"),
    (r"\b(?:most[- ]engaged|most[- ]engaging|highest[- ]engagement|best[- ]engagement|top engagement)\b",
     "engagement"),
    (r"\bhigh(?:ly)?[- ]engag(?:ement|ed|ing)\b", "engagement"),
]
