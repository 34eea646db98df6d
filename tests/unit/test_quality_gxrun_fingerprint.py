"""The fingerprint of a checkpoint's GX objects, remembered per process under a plain rendering of the suites."""

from __future__ import annotations

from pathlib import Path

import pytest
from diplowatch.quality import gxrun
from diplowatch.quality.suites import ExpectationSpec, SuiteSpec

pytest.importorskip("great_expectations")


def _prepared(name: str, table: str, *columns: str) -> gxrun.PreparedSuite:
    specs = [
        ExpectationSpec(type="expect_column_values_to_not_be_null", kwargs={"column": c}, meta={"severity": "critical"})
        for c in columns
    ]
    suite = SuiteSpec(name=name, table=table, version=1, description="", expectations=tuple(specs))
    return gxrun.PreparedSuite(spec=suite, expectations=specs)


def test_cached_fingerprint_is_the_gx_suites_fingerprint_and_follows_the_suites():
    db = Path("/nowhere/w.duckdb")
    suites = [_prepared("s_a", "a", "x", "y"), _prepared("s_b", "b", "z")]
    first, gx_suites = gxrun._cached_fingerprint("cp", db, suites)
    assert gx_suites is not None and first == gxrun._fingerprint("cp", db, suites, gx_suites)
    again, built = gxrun._cached_fingerprint("cp", db, [_prepared("s_a", "a", "x", "y"), _prepared("s_b", "b", "z")])
    assert again == first and built is None  # remembered: no GX suites built
    moved = [_prepared("s_a", "a", "x"), _prepared("s_b", "b", "y", "z")]
    other_column = [_prepared("s_a", "a", "x", "w"), _prepared("s_b", "b", "z")]
    fingerprints = {first} | {gxrun._cached_fingerprint("cp", db, s)[0] for s in (moved, other_column)}
    fingerprints.add(gxrun._cached_fingerprint("cp", Path("/elsewhere/w.duckdb"), suites)[0])
    assert len(fingerprints) == 4
