"""Write the watch-list seeds of the dbt project (missions.csv, mission_accounts.csv) from watchlist.yaml.

The marts read missions and their accounts from these seeds, so the warehouse follows
the watch-list without reading YAML in SQL. Run after editing the watch-list:

    python dbt_project/scripts/watchlist_seeds.py            # rewrite the seeds
    python dbt_project/scripts/watchlist_seeds.py --check    # exit 1 if they are stale
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
from pathlib import Path

from diplowatch import paths
from diplowatch.config import Watchlist, load_watchlist
from diplowatch.landing import account_uid

log = logging.getLogger(__name__)

SEEDS = paths.DBT_PROJECT / "seeds"
MISSION_COLUMNS = ["mission_id", "mission_name", "country", "host_country", "city", "aliases"]
ACCOUNT_COLUMNS = ["account_uid", "mission_id", "platform", "handle", "native_id", "enabled"]


def _csv(columns: list[str], rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def render_seeds(watchlist: Watchlist) -> dict[str, str]:
    """The seed files' text, by file name, for a validated watch-list."""
    missions = [
        {
            "mission_id": m.id,
            "mission_name": m.name,
            "country": m.country,
            "host_country": m.host_country,
            "city": m.city or "",
            "aliases": "|".join(m.aliases),
        }
        for m in watchlist.missions
    ]
    accounts = [
        {
            "account_uid": account_uid(a.platform, a.handle),
            "mission_id": m.id,
            "platform": a.platform,
            "handle": a.handle,
            "native_id": a.native_id or "",
            "enabled": str(a.enabled).lower(),
        }
        for m in watchlist.missions
        for a in m.accounts
    ]
    return {
        "missions.csv": _csv(MISSION_COLUMNS, missions),
        "mission_accounts.csv": _csv(ACCOUNT_COLUMNS, accounts),
    }


def stale_seeds(watchlist: Watchlist, seeds_dir: Path = SEEDS) -> list[str]:
    """Names of the seed files whose content differs from what the watch-list gives."""
    wanted = render_seeds(watchlist)
    return [
        name
        for name, text in wanted.items()
        if not (seeds_dir / name).exists() or (seeds_dir / name).read_text(encoding="utf-8") != text
    ]


def write_seeds(watchlist: Watchlist, seeds_dir: Path = SEEDS) -> list[Path]:
    """Write the seed files; returns the paths written."""
    seeds_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_seeds(watchlist).items():
        target = seeds_dir / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchlist", type=Path, default=paths.DEFAULT_WATCHLIST)
    parser.add_argument("--seeds-dir", type=Path, default=SEEDS)
    parser.add_argument("--check", action="store_true", help="exit 1 if the seeds do not match the watch-list")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    watchlist = load_watchlist(args.watchlist)
    if args.check:
        stale = stale_seeds(watchlist, args.seeds_dir)
        if stale:
            log.error("%s: stale against %s; run %s", ", ".join(stale), args.watchlist, Path(__file__).name)
            return 1
        log.info("watch-list seeds are up to date")
        return 0
    for path in write_seeds(watchlist, args.seeds_dir):
        log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
