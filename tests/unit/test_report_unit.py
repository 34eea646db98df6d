"""Pure parts of the report: the quality verdict, safe embedding of JSON, colour scales."""

from __future__ import annotations

import json

import pandas as pd
from diplowatch.report import NO_DATA, _quality_section, _scale, _script_json


def test_quality_verdict_fails_when_any_checkpoint_failed() -> None:
    s = _quality_section({"landing": {"success": True, "evaluated": 3}, "marts": False})
    assert "Verdict: FAILED" in s.body_html and "<td>FAILED</td>" in s.body_html
    s = _quality_section({"landing": True, "marts": {"passed": True, "warnings": ["rows band <b>"]}})
    assert "Verdict: PASSED" in s.body_html
    assert "rows band &lt;b&gt;" in s.body_html, "details are escaped"
    assert _quality_section(None).message.startswith(NO_DATA)


def test_script_json_cannot_close_the_script_element() -> None:
    text = _script_json({"title": "</script><!--"})
    assert "</script" not in text and "<!--" not in text
    assert json.loads(text) == {"title": "</script><!--"}


def test_scale_keeps_known_colours_and_greys_unknown_values() -> None:
    scale = _scale({"official": "#111", "people_centred": "#222"}, pd.Series(["official", "other"])).to_dict()
    assert scale == {"domain": ["official", "other"], "range": ["#111", "#bab0ac"]}
