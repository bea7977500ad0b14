"""Plain words for the errors a source records, for people who do not read HTTP.

Contains no business logic: the poller records its error text (``monitor.fetch``,
``monitor.parse``); this turns the usual ones into a sentence saying what it means. The
recorded text is always shown beside it.
"""

from __future__ import annotations

import re

_STATUS = re.compile(r"^HTTP (\d{3})\b")
_STATUS_WORDS = {
    301: "The feed moved and the redirect could not be followed.",
    401: "The feed's server asks for a login.",
    403: "The feed's server refuses us: it may block robots or need a login.",
    404: "There is no feed at this address any more: it may have moved.",
    410: "The feed was removed from its server for good.",
    429: "The server says we ask too often; polls wait as long as it asks.",
}
_PHRASES = (
    ("timed out", "The feed's server took too long to answer."),
    ("no data for", "The feed's server stopped sending in the middle of the feed."),
    ("connection refused", "Nothing answers at the feed's address (connection refused)."),
    ("host not found", "The feed's host name does not exist (no DNS record)."),
    ("could not connect", "The feed's server could not be reached."),
    ("tls error", "The secure (HTTPS) connection to the feed's server failed."),
    ("not a feed: html page", "The address serves a web page, not a feed."),
    ("not a feed: empty body", "The server answered with nothing at all."),
    ("not a feed", "What the address serves is not a feed we can read."),
    ("byte limit", "The feed is larger than the size limit (settings.http.max_body_bytes)."),
    ("too many redirects", "The address redirects in circles."),
    ("broke the http protocol", "The server broke off or garbled its answer."),
    ("connection lost", "The connection dropped while the feed was being read."),
)


def plain_error(error: str | None) -> str:
    """A sentence saying what a source's recorded ``error`` means; "" for no error."""
    if not error:
        return ""
    status = _STATUS.match(error)
    if status:
        code = int(status.group(1))
        if code in _STATUS_WORDS:
            return _STATUS_WORDS[code]
        if code >= 500:
            return "The feed's server is failing on its side; polls retry with a growing wait."
        return f"The feed's server answered with an error (HTTP {code})."
    lowered = error.lower()
    for phrase, words in _PHRASES:
        if phrase in lowered:
            return words
    return "The last poll failed."
