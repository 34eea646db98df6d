"""The one HTTP client every source uses: timeouts, bounded retries, rate limits, no leaked tokens.

Retries (tenacity) cover connection errors, timeouts, HTTP 5xx and 429. A wait
asked for by the server (``Retry-After``, X's ``x-rate-limit-reset``, or a
source-specific ``rate_limit_wait`` hook for limits signalled inside a 200 body)
is honoured up to ``max_wait``; past that, or once the attempts are used up,
``RateLimited``/``FetchError`` is raised so the caller can land what it got.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from diplowatch.raw import RawPage, RawWriter, redact

log = logging.getLogger(__name__)


class _RedactingFilter(logging.Filter):
    """urllib3 logs request URLs at DEBUG, query tokens included: redact them before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactingFilter())

USER_AGENT = "diplowatch/0.1 (+https://github.com/diplowatch/diplowatch; research)"


class FetchError(RuntimeError):
    """A request failed for good (after retries); the message carries no secrets."""


class RateLimited(FetchError):
    """The platform asked us to wait longer than the run's budget allows."""

    def __init__(self, message: str, wait_seconds: float | None = None) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``x-rate-limit-reset`` (epoch)."""
    now = time.time() if now is None else now
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return None
    reset = headers.get("x-rate-limit-reset")
    if reset and reset.strip().isdigit():
        return max(0.0, float(reset) - now)
    return None


class HttpClient:
    """GET with retries and redaction; every response body is handed to the raw writer if one is set."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        attempts: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        headers: Mapping[str, str] | None = None,
        secrets: list[str] | None = None,
        raw: RawWriter | None = None,
        rate_limit_wait: Callable[[requests.Response], float | None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.secrets = [s for s in (secrets or []) if s]
        self.raw = raw
        self.rate_limit_wait = rate_limit_wait
        self.sleep = sleep
        self.requests_made = 0

    def scrub(self, text: str) -> str:
        text = redact(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = getattr(exc, "wait", None)
        if asked is not None:
            return asked
        return self.backoff * 2 ** (state.attempt_number - 1)

    def get(
        self, url: str, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> RawPage:
        """Fetch a URL; 2xx/3xx/304 return a RawPage, 4xx (but 429) raise FetchError at once."""
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._get_once, url, params, headers)
        except _Retryable as exc:
            if exc.wait is not None and exc.wait > self.max_wait:
                raise RateLimited(self.scrub(str(exc)), exc.wait) from None
            raise FetchError(self.scrub(f"{exc} (gave up after {self.attempts} attempts)")) from None

    def _get_once(self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None) -> RawPage:
        self.requests_made += 1
        try:
            resp = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Retryable(self.scrub(f"GET {url}: {type(exc).__name__}")) from None
        where = self.scrub(f"GET {resp.url}")
        if resp.status_code == 429:
            wait = retry_after_seconds(resp.headers)
            if wait is not None and wait > self.max_wait:
                raise RateLimited(f"{where}: HTTP 429, asked to wait {wait:.0f}s", wait)
            raise _Retryable(f"{where}: HTTP 429", wait)
        if resp.status_code >= 500:
            raise _Retryable(f"{where}: HTTP {resp.status_code}")
        if self.rate_limit_wait is not None:
            # Before the 4xx check: the Graph API signals rate limits in 400/403 bodies.
            wait = self.rate_limit_wait(resp)
            if wait is not None:
                if wait > self.max_wait:
                    raise RateLimited(f"{where}: rate limited in body, asked to wait {wait:.0f}s", wait)
                raise _Retryable(f"{where}: rate limited in body", wait)
        if resp.status_code >= 400:
            raise FetchError(f"{where}: HTTP {resp.status_code}")
        page = RawPage(
            url=resp.url,
            body=resp.content,
            status=resp.status_code,
            headers=dict(resp.headers),
            fetched_at=datetime.now(UTC),
        )
        log.info("%s -> %s (%d bytes)", where, resp.status_code, len(resp.content))
        return self.raw.write(page) if self.raw is not None else page
