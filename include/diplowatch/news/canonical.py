"""Canonical URLs and the ``item_uid`` of a news item.

One article reaches us under many URLs: with ``utm_*`` tags from a feed, as the
mobile (``m.``) or AMP copy GDELT crawled, with or without ``www.`` and a
trailing slash. ``canonical_url`` folds these into one form and ``item_uid``
hashes it, so the same article found in a feed and in GDELT has one key.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Host prefixes that mark a mobile/AMP/"www" copy of the same site.
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.", "www2.")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only track the click, never select the content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "ysclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "ncid",
        "ref",
        "ref_src",
        "referrer",
        "amp",
        "outputtype",
        "utm",
    }
)
# Site-specific tracking parameters (key: canonical host).
_SITE_TRACKING: dict[str, frozenset[str]] = {
    "ria.ru": frozenset({"in"}),
    "tass.ru": frozenset({"in"}),
    "rg.ru": frozenset({"from"}),
}
_TRACKING_PREFIXES = ("utm_", "ga_", "pk_", "mtm_", "at_", "hmb_", "vero_")
_AMP_PATH = re.compile(r"(?:/amp|/amp\.html|\.amp)$", re.IGNORECASE)
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_SAFE_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=._~-]*")  # characters quote(..., safe=_PATH_SAFE) keeps as is
_SLASHES = re.compile(r"/{2,}")


def _is_tracking(name: str, host: str = "") -> bool:
    low = name.lower()
    return low in _TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES) or low in _SITE_TRACKING.get(host, ())


def canonical_host(host: str) -> str:
    """Lower-case host without a trailing dot and without www./m./amp. prefixes (repeatedly)."""
    if isinstance(host, str):
        return _canonical_host(host)
    return _canonical_host.__wrapped__(host)


@functools.lru_cache(maxsize=4096)
def _canonical_host(host: str) -> str:
    host = host.lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                changed = True
    return host


def canonical_url(url: str) -> str:
    """The one form of an article URL used for keys and joins.

    Lower-case scheme and host, no ``www.``/``m.``/``amp.`` prefix, no default
    port, no fragment, no tracking parameters (``utm_*``, ``fbclid``, ``gclid``
    …) nor ``?amp``, no ``/amp`` suffix, no trailing slash, remaining query
    parameters sorted. ``http`` and ``https`` are folded to ``https``. Raises
    ``ValueError`` when the string is not an absolute http(s) URL.
    """
    if url.__class__ is str:
        return _canonical_url_cached(url)  # feeds, GDELT and imports ask for the same URL several times
    return _canonical_url(url)


def _canonical_url(url: str) -> str:
    raw = (url or "").strip()
    if raw.startswith("//"):
        raw = "https:" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = canonical_host(parts.hostname)
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path
    if "%" in path or not _SAFE_PATH.fullmatch(path):  # else unquote and quote give the path back unchanged
        path = quote(unquote(path), safe=_PATH_SAFE)
    if "//" in path:
        path = _SLASHES.sub("/", path)
    path = path.rstrip("/")
    if path[-8:].lower().endswith(("amp", "amp.html")):  # every match of _AMP_PATH ends so
        path = _AMP_PATH.sub("", path)
    path = path.rstrip("/") or "/"
    if parts.query:
        query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, host))
        return urlunsplit(("https", netloc, path, urlencode(query), ""))
    return urlunsplit(("https", netloc, path, "", ""))


_canonical_url_cached = functools.lru_cache(maxsize=16384)(_canonical_url)


def item_uid(url: str) -> str:
    """Stable key of a news item: 20 hex digits of the SHA-256 of its canonical URL."""
    return canonical_uid(canonical_url(url))


def canonical_uid(canonical: str) -> str:
    """``item_uid`` of a URL that is already canonical (``canonical_url`` output): saves canonicalising twice."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def source_domain(url: str) -> str:
    """The outlet's domain, as in the canonical URL (``tass.com``, ``ria.ru``)."""
    return canonical_domain(canonical_url(url))


def canonical_domain(canonical: str) -> str:
    """``source_domain`` of a URL that is already canonical (``canonical_url`` output)."""
    return urlsplit(canonical).hostname or ""


_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]»”])")
_SPACE_AFTER = re.compile(r"([(\[«“])\s+")
_SPACES = re.compile(r"\s+")


def normalise_title(title: str | None) -> str | None:
    """Trim and collapse whitespace; remove the space GDELT puts before punctuation (``"Moscow , Sept"``)."""
    if title is None:
        return None
    text = _SPACES.sub(" ", title).strip()
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return text or None
