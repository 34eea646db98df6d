"""Canonical URLs and the ``item_uid`` of a news item.

One article reaches us under many URLs: with ``utm_*`` tags from a feed, as the
mobile (``m.``) or AMP copy GDELT crawled, with or without ``www.`` and a
trailing slash. ``canonical_url`` folds these into one form and ``item_uid``
hashes it, so the same article found in a feed and in GDELT has one key.
"""

from __future__ import annotations

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


def _is_tracking(name: str, host: str = "") -> bool:
    low = name.lower()
    return low in _TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES) or low in _SITE_TRACKING.get(host, ())


def canonical_host(host: str) -> str:
    """Lower-case host without a trailing dot and without www./m./amp. prefixes (repeatedly)."""
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
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path)
    path = _AMP_PATH.sub("", path.rstrip("/")).rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, host))
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def item_uid(url: str) -> str:
    """Stable key of a news item: 20 hex digits of the SHA-256 of its canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:20]


def source_domain(url: str) -> str:
    """The outlet's domain, as in the canonical URL (``tass.com``, ``ria.ru``)."""
    return urlsplit(canonical_url(url)).hostname or ""


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
