from pathlib import Path

import pytest
from diplowatch.config import ConfigError, load_watchlist


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watchlist.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_watchlist_is_the_russian_embassy_in_the_dprk():
    wl = load_watchlist()
    assert [m.id for m in wl.missions] == ["ru_emb_dprk"]
    assert {a.platform for _, a in wl.accounts()} == {"telegram", "facebook", "x", "vk"}
    assert wl.news.feeds and wl.news.gdelt_queries


def test_unknown_platform_names_file_key_and_choices(tmp_path):
    path = write(
        tmp_path,
        "missions:\n  - id: m\n    name: M\n    country: RU\n    host_country: KP\n"
        "    accounts:\n      - platform: tiktok\n        handle: x\n",
    )
    with pytest.raises(ConfigError) as err:
        load_watchlist(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "missions[0].accounts[0].platform" in msg
    assert "'tiktok'" in msg and "telegram" in msg


def test_unknown_key_is_refused(tmp_path):
    path = write(
        tmp_path, "missions:\n  - id: m\n    name: M\n    country: RU\n    host_country: KP\n    colour: red\n"
    )
    with pytest.raises(ConfigError, match=r"missions\[0\]\.colour: unknown key"):
        load_watchlist(path)


def test_duplicate_mission_ids_and_empty_file(tmp_path):
    mission = "  - id: m\n    name: M\n    country: RU\n    host_country: KP\n"
    with pytest.raises(ConfigError, match="repeated"):
        load_watchlist(write(tmp_path, "missions:\n" + mission + mission))
    with pytest.raises(ConfigError, match="missions: Field required"):
        load_watchlist(write(tmp_path, ""))


def test_bad_yaml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_watchlist(write(tmp_path, "missions: [\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_watchlist(tmp_path / "nope.yaml")
