"""monitor: a media-monitoring alert service for follow-up coverage."""

import sys

__version__ = "0.1.0"

# httpx imports its command-line tool (and with it rich and pygments, ~60 ms of every start)
# whenever those are installed, inside a try/except ImportError; monitor never uses it, and a
# None entry makes that import fail at once (httpx then defines a stub ``main``).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
