"""Pure parts of the CLI: table formatting, value rendering, argument parsing."""

from __future__ import annotations

import pytest
from diplowatch.cli import _parser, _text, format_table, main


def test_format_table_aligns_and_right_aligns_numbers() -> None:
    text = format_table(["name", "n"], [("telegram", 5), ("x", 120), ("vk", None)])
    assert text.splitlines() == [
        "name     |    n",
        "---------+-----",
        "telegram |    5",
        "x        |  120",
        "vk       | NULL",
    ]


def test_values_print_like_duckdb() -> None:
    assert _text(["ru", "en"]) == "[ru, en]"
    assert _text({"like": 3}) == "{like: 3}"
    assert _text(None) == ""
    long = format_table(["t"], [("x" * 100,)]).splitlines()[2]
    assert len(long) == 60 and long.endswith("…")


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["query", "select 1", "--format", "xlsx"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["import", "f.csv", "--kind", "tweets"])
    assert "invalid choice" in capsys.readouterr().err


def test_every_command_is_known() -> None:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    assert set(sub.choices) == {"query", "import", "status", "report", "publish"}
