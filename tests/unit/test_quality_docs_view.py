"""Data Docs: GX's static assets are copied into the site once, and again only when missing or stale."""

from __future__ import annotations

import json

import pytest
from diplowatch.quality import docs_view, gxrun

pytest.importorskip("great_expectations")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fresh GX project and Data Docs site, and a counter of GX's static-asset copies."""
    from great_expectations.data_context.store.html_site_store import HtmlSiteStore

    home = tmp_path / "home"
    monkeypatch.setenv("DIPLOWATCH_HOME", str(home))
    copies: list[int] = []
    original = HtmlSiteStore.copy_static_assets

    def counting_copy(self, static_assets_source_dir=None):
        if static_assets_source_dir is None:  # a build's call, not GX's recursion into sub-folders
            copies.append(1)
        return original(self, static_assets_source_dir)

    monkeypatch.setattr(HtmlSiteStore, "copy_static_assets", counting_copy)
    index = gxrun.ensure_docs(home)
    return home, index, copies


def _build(home):
    gxrun.open_context(home).build_data_docs(site_names=[gxrun.SITE_NAME])


def test_first_build_copies_the_assets_and_records_them(site):
    home, index, copies = site
    static = gxrun.docs_dir(home) / "static"
    manifest = docs_view.static_assets_manifest()
    assert index.exists() and copies == [1]
    assert manifest["files"] and all((static / name).stat().st_size == size for name, size in manifest["files"].items())
    assert json.loads((static / docs_view.ASSETS_MANIFEST).read_text()) == manifest
    assert docs_view.static_assets_current(static, manifest)


def test_later_builds_skip_the_copy_until_an_asset_is_missing(site):
    home, _, copies = site
    static = gxrun.docs_dir(home) / "static"
    _build(home)
    assert copies == [1]
    name = next(iter(docs_view.static_assets_manifest()["files"]))
    (static / name).unlink()
    assert not docs_view.static_assets_current(static, docs_view.static_assets_manifest())
    _build(home)
    assert copies == [1, 1] and (static / name).exists()


def test_assets_of_another_gx_version_are_copied_again(site):
    home, _, copies = site
    marker = gxrun.docs_dir(home) / "static" / docs_view.ASSETS_MANIFEST
    stored = json.loads(marker.read_text())
    marker.write_text(json.dumps({**stored, "great_expectations": "0.0.1"}))
    _build(home)
    assert copies == [1, 1]
    assert json.loads(marker.read_text()) == docs_view.static_assets_manifest()


def test_index_lists_a_bounded_number_of_results(site):
    home, _, _ = site
    config = gxrun.open_context(home).list_data_docs_sites()[gxrun.SITE_NAME]
    assert config["site_index_builder"]["validation_results_limit"] == gxrun.DOCS_INDEX_RESULTS
