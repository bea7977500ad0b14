"""Canonical URLs and versioned dedupe keys for entries.

``canonical_url`` maps the many spellings of one article's address (tracking parameters,
AMP variants, redirector wrappers, host case, default ports) to one string, and
``entry_key`` derives the key an entry is stored under. Both are pure and never do I/O: a
redirect that can only be resolved over the network (t.co, news.google.com) stays as it is.

The rule throughout is that two distinct articles must never get the same canonical URL or
key; a missed merge costs a repeat alert (and story clustering gets a second chance), a
wrong merge silently loses an alert. ``content_hash`` tells an edited entry from an unchanged
one. Story fingerprints and clustering decisions live in ``monitor.cluster``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, quote, unquote_plus, urlsplit, urlunsplit

from monitor.entry import Entry

KEY_VERSION = "1"

# Query parameters that only say how a reader arrived; compared lower-cased.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl", "ocid",
        "cmpid", "cmp", "ref_src", "ref_url", "smid", "smtyp", "guccounter", "guce_referrer",
        "guce_referrer_sig", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
        "rb_clickid", "s_cid", "s_kwcid", "vero_id", "wickedid", "__twitter_impression",
        "xtor", "at_medium", "at_campaign", "soc_src", "soc_trk", "sr_share", "trk",
        "__tn__", "__cft__", "ncid", "sc_cid", "gaa_at", "gaa_n", "gaa_ts", "gaa_sig", "cvid",
        "mbid", "ito", "spm", "fr_sid", "_openstat", "tblci", "oborigurl", "dicbo",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)
# (host, path) -> parameters that carry the destination; "*" matches any path.
REDIRECTORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("google.com", "/url"): ("url", "q"),
    ("l.facebook.com", "/l.php"): ("u",),
    ("lm.facebook.com", "/l.php"): ("u",),
    ("m.facebook.com", "/l.php"): ("u",),
    ("l.instagram.com", "/"): ("u",),
    ("bing.com", "/news/apiclick.aspx"): ("url",),
    ("out.reddit.com", "*"): ("url",),
    ("youtube.com", "/redirect"): ("q",),
    ("slack-redir.net", "/link"): ("url",),
    ("linkedin.com", "/redir/redirect"): ("url",),
    ("safelinks.protection.outlook.com", "/"): ("url",),
}
_GOOGLE_HOST = re.compile(r"google\.(?:com|co\.[a-z]{2}|com\.[a-z]{2}|[a-z]{2})")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Second-level labels under which "amp.x.y" / "www.x.y" must keep both remaining labels.
_SHARED_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "govt", "net", "org", "or"})
_AMP_VALUES = frozenset({"", "1", "true"})
_AMP_HTML = re.compile(r"(?:\.amp)+\.html$")
_WHITESPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=4096)  # an item's GUID and link are often the same URL
def canonical_url(url: str) -> str:
    """Return the canonical form of an http(s) URL, for comparing and keying only.

    Lower-cases scheme and host, drops ``www.``/``amp.`` host prefixes, default ports and
    fragments (``#!`` routes excepted), tracking parameters (``TRACKING_PARAMS``, ``utm_*``)
    and AMP markers (``amp`` path segments, ``*.amp.html``, ``?amp``, ``outputType=amp``),
    and unwraps known redirectors (``REDIRECTORS``) whose target is in a parameter. Kept as
    is: path case, trailing slashes, ``index.html``, percent-encoding, the order and values
    of other parameters: each can tell two articles apart on some server.

    Never raises: text that is not an http(s) URL with a host comes back stripped.
    Idempotent: ``canonical_url(canonical_url(u)) == canonical_url(u)``.
    """
    current = url.strip()
    for _ in range(32):  # each unwrap yields a strictly shorter URL; the bound is a backstop
        normal = _normalize(current)
        if normal is None:
            return current
        target = _redirect_target(normal)
        if target is None:
            return normal
        current = target
    return current


def _normalize(url: str) -> str | None:
    # Whitespace is percent-encoded as browsers do, rather than dropped as urlsplit drops tabs
    # and newlines; so no result ends in whitespace and stripping it again changes nothing.
    url = _WHITESPACE.sub(lambda m: quote(m.group(), safe=""), url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = _host(parts, scheme)
    if scheme not in _DEFAULT_PORTS or host is None:
        return None
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    path, query = _strip_amp_path(parts.path or "/"), _clean_query(parts.query)
    try:
        return urlunsplit((scheme, host, path, query, fragment))
    except ValueError:
        return None


def _host(parts: SplitResult, scheme: str) -> str | None:
    """The netloc with host lower-cased and prefixes, default port and trailing dot gone."""
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if hostport.startswith("["):  # IPv6 literal
        host, _, rest = hostport.partition("]")
        host, port = host + "]", rest.removeprefix(":")
        if rest and not rest.startswith(":"):
            return None
    else:
        host, _, port = hostport.partition(":")
        host = _strip_host_prefixes(host.lower().rstrip("."))
    if not host or (port and not (port.isascii() and port.isdigit())):
        return None
    if port and str(int(port)) != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{int(port)}"
    return f"{userinfo}{at}{host.lower()}"


def _strip_host_prefixes(host: str) -> str:
    while host.startswith(("www.", "amp.")):
        rest = host[4:]
        labels = rest.split(".")
        if len(labels) < 2 or (len(labels) == 2 and labels[0] in _SHARED_SECOND_LEVEL):
            break
        host = rest
    return host


def _strip_amp_path(path: str) -> str:
    if "amp" not in path:
        return path
    segments = [segment for segment in path.split("/") if segment != "amp"]
    segments[-1] = _AMP_HTML.sub(".html", segments[-1])
    return "/".join(segments) or "/"


def _clean_query(query: str) -> str:
    if not query:
        return ""
    kept = [p for p in query.split("&") if p and not _is_noise_param(p)]
    return "&".join(kept)


def _is_noise_param(pair: str) -> bool:
    raw_name, _, raw_value = pair.partition("=")
    name = unquote_plus(raw_name).lower()
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return True
    value = unquote_plus(raw_value).lower()
    return (name == "amp" and value in _AMP_VALUES) or (name == "outputtype" and value == "amp")


def _redirect_target(url: str) -> str | None:
    """The destination a known redirector carries in its query, if it is an http(s) URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = parts.netloc.lower()
    if _GOOGLE_HOST.fullmatch(host):
        host = "google.com"
    if host.endswith(".safelinks.protection.outlook.com"):
        host = "safelinks.protection.outlook.com"
    names = REDIRECTORS.get((host, parts.path)) or REDIRECTORS.get((host, "*"))
    if not names:
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in names:
        target = params.get(name, "").strip()
        if target.lower().startswith(("http://", "https://")) and len(target) < len(url):
            return target
    return None


# --- entry keys ------------------------------------------------------------------------------

_GLOBAL_GUID = re.compile(r"(?:https?://|tag:|urn:)\S", re.I)


def entry_key(entry: Entry, source: str) -> str:
    """Return the versioned dedupe key of a news entry, ``"<version>:<kind>:<sha256 hex>"``.

    Scheme version 1, first rule that applies:

    - ``1:g:`` a GUID that is globally unique by construction: an http(s) URL (hashed in
      canonical form, so tracking parameters do not change it), ``tag:`` or ``urn:``;
    - ``1:s:`` any other GUID (``"123"``, ``"post-5501"``), meaningful only within its feed:
      hashed together with ``source``;
    - ``1:u:`` no GUID: the canonical link;
    - ``1:t:`` neither: title and summary (NFKC, case-folded, whitespace collapsed) together
      with ``source``.

    ``source`` is the stable name of the feed in the config. The hash input is a JSON array,
    so no field can run into the next. Changing any rule means a new version digit; old
    keys stay valid for rows already stored.
    """
    guid = entry.guid.strip() if entry.guid else ""
    if guid and _GLOBAL_GUID.match(guid):
        is_url = guid.lower().startswith(("http://", "https://"))
        return versioned_key("g", canonical_url(guid) if is_url else guid)
    if guid:
        return versioned_key("s", source, guid)
    link = canonical_url(entry.link) if entry.link else ""
    if link:
        return versioned_key("u", link)
    return versioned_key("t", source, fold_text(entry.title), fold_text(entry.summary))


def versioned_key(kind: str, *fields: str) -> str:
    payload = json.dumps([kind, *fields], ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{KEY_VERSION}:{kind}:{digest}"


def fold_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(entry: Entry) -> str:
    """A short hash of the entry's title and summary as published (no folding: any edit a
    reader could see changes it), to notice edits of a known entry."""
    payload = json.dumps([entry.title, entry.summary], ensure_ascii=False)
    return hashlib.blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
