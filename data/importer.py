"""Influencer import (kept for older imports such as `api/jobs.py`): the implementation is `data.importing`."""

from data.importing import *  # noqa: F403
from data.importing import __all__  # noqa: F401
