"""Influencer import: an uploaded CSV or JSONL file (bytes) → one validated profile or one error per row.

Pure parsing, no database. `parse_import` checks the file (raising `ImportFormatError` at once when the
whole file is unusable) and returns an iterator of `ImportRow`, one per non-empty data row, in file order.

Modules, one job each: `reading` (bytes → records: encoding, BOM, delimiter, title lines before the header,
JSON Lines), `headers` (header → mapping target, the column plan), `sniffing` (the plan checked against the
values), `targets` (the mapping-target syntax), `values` (count/percent/money/handle parsers), `engagement`
(an account's rate cells), `rows` (one row's cells → InfluencerIn or an error), `jsonrows` (JSON objects) and
`parse` (the entry points below). `data.importer` re-exports this package for older imports.

Files
- `.csv`, `.tsv`, `.txt`: UTF-8 (BOM or not; UTF-16 with BOM; otherwise cp1252/latin-1). Delimiter `,` `;`
  tab or `|` is detected from the first records (an Excel `sep=;` first line is honoured). Up to 10
  title lines before the header are skipped: the header is the first record with a followers column and a
  name, handle or profile-URL column.
- `.jsonl`, `.ndjson`, `.json`: one JSON object per line (a `.json` file may also be one JSON array).
  An object with a `platforms` list is taken as the InfluencerIn shape of README "Influencers"; any other object is
  a flat record read like a CSV row (nested objects are flattened: `{"contact": {"email": …}}` is column
  "contact email"; a list value counts as several values of its column).
- Row numbers: CSV rows count records after the header from 1 as a spreadsheet shows them (a quoted cell
  spanning lines is one row); JSONL rows are line numbers (JSON array: element number). Fully empty
  rows/lines produce no ImportRow but keep their number; `count_rows` counts the non-empty ones.

Header guesses are then checked against the values (`sniffing`): a `name` column of handles and an
`instagram name` column of display names swap roles; an explicit mapping always wins. `preview` shows the
chosen plan with a confidence per column and the first rows as they would be stored. `merge_on` names a column
whose equal values mark rows of one creator (the import job merges them, `data/merging.py`).

Columns are recognized case-, space- and punctuation-insensitively by synonym and keyword ("Influencer
name", "Instagram name" (a platform name + "name" is that platform's handle), "channel_name", "Username",
"Subscribers", "Followers count", "ER", "Authentic engagement", "Avg. likes", "Category_1", "Audience
country(mostly)", "Email Address", "Rate (INR)", "rate_inr", "Reel price (€)", …); see `column_plan`.
Unrecognized columns are ignored. Several columns for one field (duplicate "Category", "Name" twice):
list fields keep every value; for a single-valued field the first non-empty value wins and a differing
value becomes a warning on that row (for interaction counts the first non-empty column wins silently,
as "Authentic engagement" and "Engagement avg" are alternative measures).

Mapping targets (`mapping={"Source column": "target"}`, overriding recognition for that column):
`name handle email phone bio city region country location languages niches topics platform followers
engagement_rate avg_interactions avg_views profile_url rate_post rate_story rate_reel rate_video
rate_currency past_brands verified audience_country ignore`. Account targets (handle, followers,
engagement_rate, avg_interactions, avg_views, profile_url) take an optional platform, `followers:youtube`;
rate targets an optional currency, `rate_post:INR`. A mapping key naming no column of a CSV file, or an
unknown target, raises ImportFormatError.

Values
- Counts: "409.8M", "103.8K", "1.2k", "2,345,678", "1.5 million", "12 345", "2 lakh", "1.2 crore",
  "10K+"; "1,5M" and "1.234.567" (European separators) too. Empty, "N/A", "-", "null" … mean no value.
- Engagement rate is a percentage. "4.2%" and "4.2" are 4.2 %. A plain number <= 1 is a fraction
  (0.042 → 4.2 %) — in a CSV column only when no plain value in that column exceeds 1, so a column of
  percentages containing 0.8 keeps 0.8 %; in JSON per value. A value with a magnitude suffix ("3.2M") in an
  engagement column is an interaction count.
- Interactions per post (avg likes/engagement counts) without a rate give rate = interactions / followers
  × 100, rounded to 2 decimals; over 100 % is an error, except on video platforms (TikTok, YouTube, Snapchat)
  where it is kept with a note on the row. With average views the rate by views is kept too (`engagement.py`).
- Platform: the `platform` column ("IG", "insta", "YT", "Tiktok", "X", …), else the site of a profile
  URL in the row, else the file default: the first platform a column names ("Instagram name",
  "YouTube subscribers", mapping `followers:tiktok`), else youtube when a header says subscribers/channel,
  else instagram. Platform-named columns ("TikTok followers") add a second account to the row; an account
  without followers is skipped with a warning (an error when it is the row's only one).
- Handle: "@" stripped; a profile URL (instagram.com/NAME, tiktok.com/@NAME, youtube.com/@NAME, x.com/NAME,
  …) gives the handle and the platform. Without a handle or URL the handle is the name slugified
  (lowercase, spaces → "_", characters other than letters, digits, "_", ".", "-" dropped:
  "Cristiano Ronaldo" → "cristiano_ronaldo"); an account without its own handle uses the row's handle;
  without a name the name is the handle. Neither name nor handle nor URL → error.
- Rates are converted to USD Decimal with data/fx.py. Currency: a symbol or code in the cell ("₹25,000",
  "INR 25k"), else the column's ("Rate (INR)", "rate_inr", `rate_post:INR`), else the `rate_currency`
  column, else USD. A range "20k-30k" takes the lower bound with a warning.
- Country names/codes → ISO alpha-2 (data/taxonomy.py); languages → ISO-639-1; categories → niche slugs,
  keeping the category's own wording as a topic unless it is just the slug; unmapped categories become
  topics. An unknown country or language is left out with a warning, never an error.

Errors name the target and the source column: 'followers (column "Followers"): Input should be greater
than or equal to 0 (got -5000)'. Warnings never stop a row.
"""

from data.importing.headers import Column, recognize_header
from data.importing.parse import column_plan, count_rows, parse_import, preview
from data.importing.rows import ImportRow
from data.importing.targets import (
    ACCOUNT_FIELDS,
    LIST_FIELDS,
    RATE_FIELDS,
    TARGETS,
    ImportFormatError,
    Target,
    parse_target,
)
from data.importing.values import (
    clean_handle,
    handle_from_url,
    is_empty,
    parse_bool,
    parse_count,
    parse_money,
    parse_number,
    parse_percent,
    slugify_name,
    split_list,
)

__all__ = [
    "ACCOUNT_FIELDS",
    "LIST_FIELDS",
    "RATE_FIELDS",
    "TARGETS",
    "Column",
    "ImportFormatError",
    "ImportRow",
    "Target",
    "clean_handle",
    "column_plan",
    "count_rows",
    "handle_from_url",
    "is_empty",
    "parse_bool",
    "parse_count",
    "parse_import",
    "parse_money",
    "parse_number",
    "parse_percent",
    "parse_target",
    "preview",
    "recognize_header",
    "slugify_name",
    "split_list",
]
