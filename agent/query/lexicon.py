"""Query-side vocabulary: how marketers name niches, platforms, languages, tiers and sort orders.

Builds on `data.taxonomy.NICHE_SYNONYMS`, the one source of niche words shared with the importer, and adds only
what is particular to queries: search-box slang ("MUA", "gym rats", "finfluencers"), taxonomy words a query keeps
as free text (`QUERY_FREE_TEXT`), and which words are filler ("find me", "influencers"). Two kinds of niche terms:

- `NICHE_TERMS`: a name for the niche itself ("skincare", "foodies") → consumed, sets the niche only;
- `SUBTOPICS`: narrower subjects ("crypto", "yoga", "K-beauty") → set the niche AND stay as a topic for
  semantic search, since a crypto search should not rank every finance creator equally.
"""

from __future__ import annotations

from data.taxonomy import NICHE_SYNONYMS
from data.types import PLATFORMS

# Words the shared taxonomy maps to a niche that a search query keeps as free text instead: in a query they are
# modifiers or ambiguous ("vegan recipes", "luxury brands", "kids' audience", "AI tools", "photo dumps"), so they
# never set a niche constraint here. They never map to a *different* niche (tests/test_query_parser.py checks).
QUERY_FREE_TEXT = frozenset({
    "hair", "nails", "style", "vegan", "restaurants", "drinks", "ai", "unboxing", "trading", "kids", "baby",
    "luxury", "racing", "learning", "study", "history", "medicine", "doctor", "dietitian", "interior",
    "organization", "supercars", "tv", "shows", "b2b", "design", "photo",
})

# Search-box slang and person nouns the taxonomy does not hold (it normalizes stored labels, not queries).
QUERY_SLANG: dict[str, str] = {
    # beauty
    "skin": "beauty", "make-up": "beauty", "mua": "beauty", "muas": "beauty", "skinfluencer": "beauty",
    "skinfluencers": "beauty", "beauty gurus": "beauty", "beauty guru": "beauty", "skincare gurus": "beauty",
    "skincare guru": "beauty",
    # fashion
    "models": "fashion",
    # fitness
    "gym rats": "fitness", "gym rat": "fitness", "gymrats": "fitness", "fitfluencers": "fitness",
    "fitfluencer": "fitness", "fitspo": "fitness",
    # food
    "food critics": "food",
    # tech
    "techies": "tech", "techtok": "tech", "developers": "tech",
    # gaming
    "let's players": "gaming",
    # finance
    "finfluencers": "finance", "finfluencer": "finance", "fintok": "finance",
    # parenting
    "mommy bloggers": "parenting", "mum bloggers": "parenting", "mom influencers": "parenting",
    "mommy influencers": "parenting", "momfluencers": "parenting", "momfluencer": "parenting", "mamas": "parenting",
    "dad bloggers": "parenting",
    # lifestyle
    "daily vlogs": "lifestyle",
    # music
    "producers": "music",
    # education
    "educational": "education", "edutainment": "education",
    # health
    "healthy": "health",
    # pets
    "dog people": "pets", "dog lovers": "pets", "cat people": "pets", "petfluencers": "pets",
    "animal lovers": "pets",
    # home
    "cleantok": "home",
    # automotive
    "car guys": "automotive", "car reviewers": "automotive", "car enthusiasts": "automotive",
    "petrolheads": "automotive",
    # business
    "thought leaders": "business",
    # comedy
    "meme pages": "comedy",
    # outdoors
    "outdoorsy": "outdoors",
    # sustainability
    "eco-friendly": "sustainability",
}

# phrase (lower case, words separated by single spaces) → niche slug: the taxonomy's words plus the slang.
NICHE_TERMS: dict[str, str] = {k: v for k, v in NICHE_SYNONYMS.items() if k not in QUERY_FREE_TEXT} | QUERY_SLANG

# phrase → (niche or None, topic kept for semantic search)
SUBTOPICS: dict[str, tuple[str | None, str]] = {
    # pet food is a pets subject, not the food niche ("a dog food brand")
    "dog food": ("pets", "dog food"), "cat food": ("pets", "cat food"), "pet food": ("pets", "pet food"),
    "puppy food": ("pets", "puppy food"), "pet treats": ("pets", "pet treats"), "dog treats": ("pets", "dog treats"),
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
    "kpop": ("music", "k-pop"), "k-pop": ("music", "k-pop"), "k pop": ("music", "k-pop"),
    "hip hop": ("music", "hip hop"),
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
# (100k–499,999) as agencies use it; "macro" alone spans the whole macro tier (100k–999,999).
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
