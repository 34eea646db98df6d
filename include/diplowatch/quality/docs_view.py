"""Data Docs page views that compile GX's Jinja templates once per process, not once per page.

GX's ``DefaultJinjaView`` makes a new Jinja environment for every page it renders, so each
Data Docs build recompiled the same templates (most of the time of a build). These views are
GX's own, with a process-wide in-memory bytecode cache attached; Jinja keys the cache by
template name and source checksum, so a changed template is compiled again. They are named in
the site config (``view`` of the section and index builders), GX's documented extension point.
"""

from __future__ import annotations

from typing import Any

from great_expectations.render.view.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the life of the process."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._store.clear()


BYTECODE_CACHE = MemoryBytecodeCache()
MODULE = __name__


class CachedJinjaPageView(DefaultJinjaPageView):
    """``DefaultJinjaPageView`` sharing compiled templates across instances."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = BYTECODE_CACHE


class CachedJinjaIndexPageView(DefaultJinjaIndexPageView):
    """``DefaultJinjaIndexPageView`` sharing compiled templates across instances."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = BYTECODE_CACHE
