"""Realistic request bodies shared by the API tests."""

from __future__ import annotations

import copy
from typing import Any

SARAH: dict[str, Any] = {
    "name": "Sarah Johnson",
    "handle": "sarahglows",
    "email": "sarah@example.com",
    "phone": "+13105550100",
    "bio": "LA-based skincare nerd. Clean beauty, honest reviews.",
    "location": {"city": "Los Angeles", "region": "California", "country": "US"},
    "languages": ["en"],
    "niches": ["beauty", "lifestyle"],
    "topics": ["skincare routines", "clean beauty"],
    "platforms": [
        {"platform": "instagram", "handle": "sarahglows", "followers": 250000, "engagement_rate": 4.2,
         "avg_views": 15000},
        {"platform": "tiktok", "handle": "sarahglows", "followers": 50000, "engagement_rate": 6.0},
    ],
    "rates_usd": {"post": 2500, "story": 600, "reel": 3200, "video": None},
    "past_brands": ["Sephora", "Glossier"],
    "audience": {"female_pct": 78, "age_18_24_pct": 41, "age_25_34_pct": 37, "top_countries": ["US", "CA"]},
    "recent_posts": [{"platform": "instagram", "text": "My 5-step AM routine with SPF that doesn't pill",
                      "posted_at": "2026-10-02T10:00:00Z", "likes": 12000, "comments": 340}],
    "verified": True,
}

CAMPAIGN: dict[str, Any] = {
    "name": "Spring glow launch",
    "brand": "Lumen Skin",
    "brand_website": "https://lumen.example.com",
    "goals": "Awareness for the new vitamin C serum",
    "product": "Vitamin C Glow Serum",
    "budget_total_usd": 50000,
    "deliverables": ["1 reel", "3 stories"],
    "timeline": "3 weeks",
    "target_audience": "women 18-34 in the US",
    "sender": {"name": "Maya Chen", "email": "maya@lumen.example.com",
               "postal_address": "500 Market St, San Francisco, CA 94105, USA"},
}


def creator(n: int, **changes: Any) -> dict[str, Any]:
    """A distinct valid creator: SARAH with unique handles."""
    body = copy.deepcopy(SARAH)
    body["name"] = f"Creator {n}"
    body["handle"] = f"creator{n}"
    for i, account in enumerate(body["platforms"]):
        account["handle"] = f"creator{n}_{i}"
    body.update(changes)
    return body
