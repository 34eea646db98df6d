"""Data Docs pieces named in the site config: GX's own classes, minus work repeated on every build.

Page views that compile GX's Jinja templates once per process, not once per page.

GX's ``DefaultJinjaView`` makes a new Jinja environment for every page it renders, so each
Data Docs build recompiled the same templates (most of the time of a build). These views are
GX's own, with a process-wide in-memory bytecode cache attached; Jinja keys the cache by
template name and source checksum, so a changed template is compiled again. They are named in
the site config (``view`` of the section and index builders), GX's documented extension point.

A site builder that copies GX's static assets (4 MB of CSS, JavaScript, fonts and images) only
when the site lacks them or they differ from the installed GX's, instead of on every build.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

import great_expectations
from great_expectations.data_context.store.tuple_store_backend import TupleFilesystemStoreBackend
from great_expectations.render.renderer.site_builder import SiteBuilder
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


log = logging.getLogger(__name__)
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


# Where GX reads its static assets (as HtmlSiteStore.copy_static_assets does), and the
# file the site keeps the manifest of the assets last copied in.
GX_STATIC_DIR = Path(great_expectations.__file__).parent / "render" / "view" / "static"
ASSETS_MANIFEST = ".diplowatch-assets.json"
_EXCLUDED_ASSETS = {".DS_Store"}  # as GX's copy


@functools.cache
def static_assets_manifest(source: Path = GX_STATIC_DIR) -> dict[str, Any]:
    """GX's version and the size of every static asset, by path under ``static/`` (read once per process)."""
    files = {
        p.relative_to(source).as_posix(): p.stat().st_size
        for p in sorted(source.rglob("*"))
        if p.is_file() and p.name not in _EXCLUDED_ASSETS
    }
    return {"great_expectations": great_expectations.__version__, "files": files}


def static_assets_current(site_static: Path, manifest: dict[str, Any]) -> bool:
    """Whether ``site_static`` holds the assets of ``manifest``, as copied by a previous build."""
    try:
        stored = json.loads((site_static / ASSETS_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stored != manifest:
        return False
    for name, size in manifest["files"].items():
        try:
            if (site_static / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


class AssetCachingSiteBuilder(SiteBuilder):
    """GX's ``SiteBuilder``, copying the static assets only when the site's copy is missing or stale.

    ``build`` is GX's own (sections, static assets, index), with the asset copy made conditional.
    """

    def build(self, resource_identifiers: Any = None, build_index: bool = True) -> tuple[Any, Any]:
        for site_section_builder in self.site_section_builders.values():
            site_section_builder.build(resource_identifiers=resource_identifiers)
        self._copy_static_assets()
        _, index_links_dict = self.site_index_builder.build(build_index=build_index)
        return self.get_resource_url(only_if_exists=False), index_links_dict

    def _copy_static_assets(self) -> None:
        backend = self.target_store.store_backends.get("static_assets")
        if not isinstance(backend, TupleFilesystemStoreBackend) or not GX_STATIC_DIR.is_dir():
            self.target_store.copy_static_assets()
            return
        site_static = Path(backend.full_base_directory) / "static"
        manifest = static_assets_manifest()
        if static_assets_current(site_static, manifest):
            return
        log.info("copying GX's static assets into the Data Docs site %s", site_static)
        self.target_store.copy_static_assets()
        site_static.mkdir(parents=True, exist_ok=True)
        (site_static / ASSETS_MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
