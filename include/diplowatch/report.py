"""The run report: one static HTML page with Vega-Lite charts (Altair), opened from ``file://``.

The page needs no server and no network: the Vega, Vega-Lite and vega-embed JavaScript is
inlined from ``vl-convert-python`` (the bundle Altair itself uses for ``to_html(inline=True)``),
and every chart's data is inlined in its spec. Charts render as SVG.

Every section reads the published warehouse read-only and discovers what is there: a missing
table or column, or an empty table, turns the section into "no data yet", never an error.
Sections: posts and engagement per month by register and by theme, share of bilingual posts
per platform and month, the events timeline (posts or news first, and by how many hours), top
entities by theme, and the data-quality verdict of the run.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import altair as alt
import duckdb
import pandas as pd

from diplowatch import paths

log = logging.getLogger(__name__)

NO_DATA = "no data yet"
TOP_ENTITIES = 15
MAX_EVENTS = 40
REGISTER_COLORS = {
    "people_centred": "#e45756",
    "official": "#4c78a8",
    "mixed": "#b279a2",
    "none": "#bab0ac",
    "unclassified": "#d8d3cf",
}
FIRST_COLORS = {
    "posts first": "#54a24b",
    "news first": "#f58518",
    "same hour": "#72b7b2",
    "posts only": "#9ecae9",
    "news only": "#ffbf79",
}


class ReportError(RuntimeError):
    """The report could not be written (e.g. the Vega JavaScript bundle is not installed)."""


@dataclass
class Section:
    """One part of the page: a title, an explanation, and charts or a message saying why there are none."""

    key: str
    title: str
    description: str
    charts: list[alt.TopLevelMixin] = field(default_factory=list)
    message: str | None = None
    body_html: str = ""


def default_report_path(home: Path | None = None) -> Path:
    """``$DIPLOWATCH_HOME/reports/index.html``."""
    return (home or paths.home()) / "reports" / "index.html"


# --------------------------------------------------------------------------- warehouse access


class Marts:
    """Read-only access to the marts of one warehouse, with table and column discovery."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None) -> None:
        self.con = con
        self._columns: dict[str, set[str]] = {}
        if con is not None:
            rows = con.execute(
                "select table_name, column_name from duckdb_columns() where schema_name = 'main'"
            ).fetchall()
            for table, column in rows:
                self._columns.setdefault(table, set()).add(column)

    def columns(self, table: str) -> set[str]:
        return self._columns.get(table, set())

    def missing(self, table: str, *required: str) -> str | None:
        """Why ``table`` cannot be used (absent, or lacking columns), or None when it can."""
        if table not in self._columns:
            return f"{NO_DATA}: table {table} is not in the warehouse"
        lacking = [c for c in required if c not in self._columns[table]]
        if lacking:
            return f"{NO_DATA}: {table} has no column(s) {', '.join(lacking)}"
        return None

    def pick(self, table: str, *candidates: str) -> str | None:
        """The first of ``candidates`` that is a column of ``table``."""
        cols = self.columns(table)
        return next((c for c in candidates if c in cols), None)

    def df(self, sql: str) -> pd.DataFrame:
        assert self.con is not None
        return self.con.execute(sql).df()

    def scalar(self, sql: str) -> Any:
        assert self.con is not None
        rows = self.con.execute(sql).fetchall()
        return rows[0][0] if rows else None


def _month(col: str) -> str:
    return f"strftime(date_trunc('month', {col}), '%Y-%m-%d')"


def _iso(col: str) -> str:
    return f"strftime({col}, '%Y-%m-%dT%H:%M:%SZ')"


# --------------------------------------------------------------------------- sections


def _summary(m: Marts) -> str:
    facts: list[tuple[str, Any]] = []
    if not m.missing("fct_posts", "published_at"):
        posts, first, last = m.con.execute(  # type: ignore[union-attr]
            f"select count(*), {_iso('min(published_at)')}, {_iso('max(published_at)')} from fct_posts"
        ).fetchall()[0]
        facts += [("posts", posts), ("first post", first), ("last post", last)]
        if "platform" in m.columns("fct_posts"):
            facts.append(("platforms", m.scalar("select string_agg(distinct platform, ', ') from fct_posts")))
    for table, label in (("fct_news_items", "news items"), ("fct_events", "events"), ("dim_accounts", "accounts")):
        if table in m._columns:
            facts.append((label, m.scalar(f"select count(*) from {table}")))
    if not facts:
        return f"<p class='no-data'>{NO_DATA}: the warehouse has no marts.</p>"
    cells = "".join(f"<div><span>{html.escape(k)}</span><b>{html.escape(str(v))}</b></div>" for k, v in facts)
    return f"<div class='facts'>{cells}</div>"


def _register_section(m: Marts) -> Section:
    s = Section(
        "register",
        "Posts and engagement per month, by register",
        "People-centred posts (music, food, sport, holidays, trips) against official ones (receptions, "
        "delegations, consultations): how many, and how much engagement each post gets on average.",
    )
    if why := m.missing("fct_posts", "published_at", "register", "engagement"):
        s.message = why
        return s
    df = m.df(
        f"""
        select
            {_month("published_at")} as month,
            coalesce(register, 'unclassified') as register,
            count(*) as posts,
            coalesce(sum(engagement), 0) as engagement,
            round(avg(engagement), 1) as avg_engagement,
        from fct_posts
        group by all
        order by all
        """
    )
    if df.empty:
        s.message = f"{NO_DATA}: fct_posts is empty"
        return s
    color = alt.Color("register:N", title="register", scale=_scale(REGISTER_COLORS, df["register"]))
    tooltip = ["month:T", "register:N", "posts:Q", "engagement:Q", "avg_engagement:Q"]
    base = alt.Chart(df).encode(x=alt.X("utcyearmonth(month):T", title="month"), color=color, tooltip=tooltip)
    s.charts.append(base.mark_bar().encode(y=alt.Y("posts:Q", title="posts")).properties(width=340, height=220))
    s.charts.append(
        base.mark_line(point=True)
        .encode(y=alt.Y("avg_engagement:Q", title="engagement per post (mean)"))
        .properties(width=340, height=220)
    )
    return s


def _theme_section(m: Marts) -> Section:
    s = Section(
        "themes",
        "Posts and engagement per month, by theme",
        "A post can carry several themes. Left: posts per theme and month. Right: mean engagement of a "
        "post per theme, coloured by the theme's register.",
    )
    if why := m.missing("fct_posts", "published_at", "themes", "engagement"):
        s.message = why
        return s
    df = m.df(
        f"""
        with post_themes as (
            select published_at, engagement, unnest(themes) as theme,
            from fct_posts
        )

        select {_month("published_at")} as month, theme, count(*) as posts, round(avg(engagement), 1) as avg_engagement,
        from post_themes
        group by all
        order by all
        """
    )
    if df.empty:
        s.message = f"{NO_DATA}: no post has a theme yet"
        return s
    s.charts.append(
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("utcyearmonth(month):T", title="month"),
            y=alt.Y("theme:N", title=None),
            color=alt.Color("posts:Q", scale=alt.Scale(scheme="blues"), title="posts"),
            tooltip=["month:T", "theme:N", "posts:Q", "avg_engagement:Q"],
        )
        .properties(width=340, height=alt.Step(18))
    )
    by_theme = m.df(
        """
        with post_themes as (
            select engagement, unnest(themes) as theme,
            from fct_posts
        )

        select
            theme,
            count(*) as posts,
            round(avg(engagement), 1) as avg_engagement,
            median(engagement) as median_engagement,
        from post_themes
        group by all
        """
    )
    by_theme["register"] = by_theme["theme"].map(_theme_registers(m)).fillna("unclassified")
    s.charts.append(
        alt.Chart(by_theme)
        .mark_bar()
        .encode(
            x=alt.X("avg_engagement:Q", title="engagement per post (mean)"),
            y=alt.Y("theme:N", sort="-x", title=None),
            color=alt.Color("register:N", scale=_scale(REGISTER_COLORS, by_theme["register"])),
            tooltip=["theme:N", "register:N", "posts:Q", "avg_engagement:Q", "median_engagement:Q"],
        )
        .properties(width=280, height=alt.Step(18))
    )
    return s


def _theme_registers(m: Marts) -> dict[str, str]:
    key = m.pick("dim_themes", "theme", "theme_id", "theme_key", "name")
    reg = m.pick("dim_themes", "register")
    if not key or not reg:
        return {}
    return dict(m.con.execute(f"select {key}, {reg} from dim_themes").fetchall())  # type: ignore[union-attr]


def _bilingual_section(m: Marts) -> Section:
    s = Section(
        "bilingual",
        "Share of bilingual posts, per platform and month",
        "A post is bilingual when it carries two languages (e.g. Russian and English). Left: the share over "
        "all months; right: month by month.",
    )
    if why := m.missing("fct_posts", "published_at", "platform", "is_bilingual"):
        s.message = why
        return s
    df = m.df(
        f"""
        select
            {_month("published_at")} as month,
            platform,
            count(*) as posts,
            count_if(is_bilingual) as bilingual_posts,
            round(avg(case when is_bilingual then 1.0 else 0.0 end), 4) as bilingual_share,
        from fct_posts
        group by all
        order by all
        """
    )
    if df.empty:
        s.message = f"{NO_DATA}: fct_posts is empty"
        return s
    overall = df.groupby("platform", as_index=False)[["posts", "bilingual_posts"]].sum()
    overall["bilingual_share"] = (overall["bilingual_posts"] / overall["posts"]).round(4)
    share = alt.Y(
        "bilingual_share:Q", title="bilingual share", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
    )
    s.charts.append(
        alt.Chart(overall)
        .mark_bar()
        .encode(
            x=alt.X("platform:N", title=None),
            y=share,
            color=alt.Color("platform:N", legend=None),
            tooltip=["platform:N", "posts:Q", "bilingual_posts:Q", alt.Tooltip("bilingual_share:Q", format=".1%")],
        )
        .properties(width=160, height=220)
    )
    s.charts.append(
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("utcyearmonth(month):T", title="month"),
            y=share,
            color=alt.Color("platform:N"),
            tooltip=[
                "month:T",
                "platform:N",
                "posts:Q",
                "bilingual_posts:Q",
                alt.Tooltip("bilingual_share:Q", format=".1%"),
            ],
        )
        .properties(width=400, height=220)
    )
    return s


def _events_frame(m: Marts) -> pd.DataFrame:
    title = m.pick("fct_events", "title", "event_title", "event_id") or "event_id"
    etype = m.pick("fct_events", "event_type") or "null"
    started = m.pick("fct_events", "started_at", "event_start", "post_first_at")
    n_posts = m.pick("fct_events", "n_posts") or "null"
    n_news = m.pick("fct_events", "n_news") or "null"
    df = m.df(
        f"""
        with events as (
            select
                event_id,
                {title} as title,
                {etype} as event_type,
                coalesce({started}, least(post_first_at, news_first_at)) as started_at,
                post_first_at,
                news_first_at,
                {n_posts} as n_posts,
                {n_news} as n_news,
            from fct_events
            where post_first_at is not null or news_first_at is not null
            order by started_at desc nulls last
            limit {MAX_EVENTS}
        )

        select
            event_id,
            coalesce(cast(title as varchar), event_id) || ' (' || event_id || ')' as label,
            event_type,
            {_iso("started_at")} as started_at,
            {_iso("post_first_at")} as post_first_at,
            {_iso("news_first_at")} as news_first_at,
            {_iso("least(post_first_at, news_first_at)")} as span_start,
            {_iso("greatest(post_first_at, news_first_at)")} as span_end,
            round(epoch(news_first_at - post_first_at) / 3600.0, 1) as posts_lead_hours,
            case
                when news_first_at is null then 'posts only'
                when post_first_at is null then 'news only'
                when abs(epoch(news_first_at - post_first_at)) < 3600 then 'same hour'
                when post_first_at < news_first_at then 'posts first'
                else 'news first'
            end as which_first,
            n_posts,
            n_news,
        from events
        order by started_at
        """
    )
    return df


def _events_section(m: Marts) -> Section:
    s = Section(
        "events",
        "Events: did the embassy's posts or the news come first?",
        f"Each row is an event (visit, conference, reception, fair) found in posts and/or news, latest "
        f"{MAX_EVENTS} shown. Left: first post (circle) and first news item (square) in time. Right: hours "
        "by which the posts led the news (negative: the news came first).",
    )
    if why := m.missing("fct_events", "event_id", "post_first_at", "news_first_at"):
        s.message = why
        return s
    df = _events_frame(m)
    if df.empty:
        s.message = f"{NO_DATA}: no events"
        return s
    order = df["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    color = alt.Color("which_first:N", title="came first", scale=_scale(FIRST_COLORS, df["which_first"]))
    tip = [
        "label:N",
        "event_type:N",
        "post_first_at:T",
        "news_first_at:T",
        "posts_lead_hours:Q",
        "n_posts:Q",
        "n_news:Q",
    ]
    utc = alt.Scale(type="utc")
    span = (
        alt.Chart(df)
        .mark_rule(strokeWidth=2)
        .encode(x=alt.X("span_start:T", title="time (UTC)", scale=utc), x2="span_end:T", y=y, color=color, tooltip=tip)
    )
    posts = (
        alt.Chart(df)
        .transform_filter("datum.post_first_at != null")
        .mark_point(shape="circle", filled=True, size=70)
        .encode(x=alt.X("post_first_at:T", scale=utc), y=y, color=color, tooltip=tip)
    )
    news = (
        alt.Chart(df)
        .transform_filter("datum.news_first_at != null")
        .mark_point(shape="square", filled=True, size=70)
        .encode(x=alt.X("news_first_at:T", scale=utc), y=y, color=color, tooltip=tip)
    )
    s.charts.append(alt.layer(span, posts, news).properties(width=420, height=alt.Step(16)))
    both = df[df["posts_lead_hours"].notna()]
    if not both.empty:
        s.charts.append(
            alt.Chart(both)
            .mark_bar()
            .encode(
                x=alt.X("posts_lead_hours:Q", title="hours the posts led the news"),
                y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
                color=color,
                tooltip=tip,
            )
            .properties(width=240, height=alt.Step(16))
        )
    return s


def _entity_names(m: Marts) -> str:
    """A SQL CTE body mapping entity keys to display names (identity when dim_entities cannot be used)."""
    key = m.pick("dim_entities", "entity_id", "entity_key", "entity", "entity_uid")
    name = m.pick("dim_entities", "entity_name", "canonical_name", "name", "label")
    if key and name:
        return f"select cast({key} as varchar) as entity, cast({name} as varchar) as entity_name from dim_entities"
    return "select null::varchar as entity, null::varchar as entity_name where false"


def _entities_section(m: Marts) -> Section:
    s = Section(
        "entities",
        f"Top {TOP_ENTITIES} entities, by theme",
        "People, places and organisations found in the posts (every spelling counted as one entity), and "
        "the themes of the posts that mention them.",
    )
    column = m.pick("fct_posts", "entity_ids", "entities")
    if column is None:
        s.message = f"{NO_DATA}: fct_posts has no column(s) entity_ids or entities"
        return s
    has_themes = "themes" in m.columns("fct_posts")
    themes_expr = "case when len(themes) = 0 then ['(no theme)'] else themes end" if has_themes else "['(all)']"
    df = m.df(
        f"""
        with names as (
            {_entity_names(m)}
        ),

        post_entities as (
            select post_uid, unnest({column}) as entity, {themes_expr} as themes,
            from fct_posts
        ),

        entity_themes as (
            select post_uid, entity, unnest(coalesce(themes, ['(no theme)'])) as theme,
            from post_entities
        ),

        top as (
            select entity, count(distinct post_uid) as posts,
            from post_entities
            group by all
            order by posts desc, entity
            limit {TOP_ENTITIES}
        )

        select
            coalesce(names.entity_name, top.entity) as entity,
            top.posts as entity_posts,
            entity_themes.theme,
            count(distinct entity_themes.post_uid) as posts,
        from top
        inner join entity_themes on entity_themes.entity = top.entity
        left join names on names.entity = top.entity
        group by all
        order by entity_posts desc, entity, theme
        """
    )
    if df.empty:
        s.message = f"{NO_DATA}: no entity found in the posts"
        return s
    s.charts.append(
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("sum(posts):Q", title="posts mentioning (a post counts once per theme)"),
            y=alt.Y("entity:N", sort=alt.EncodingSortField("entity_posts", op="max", order="descending"), title=None),
            color=alt.Color("theme:N", title="theme"),
            tooltip=["entity:N", "theme:N", "posts:Q", alt.Tooltip("entity_posts:Q", title="posts in all")],
        )
        .properties(width=420, height=alt.Step(20))
    )
    return s


# --------------------------------------------------------------------------- data quality


def _check_success(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        for key in ("success", "passed", "ok"):
            if isinstance(value.get(key), bool):
                return value[key]
    return None


def _quality_section(quality: Mapping[str, Any] | None) -> Section:
    s = Section(
        "quality",
        "Data quality of this run",
        "Great Expectations checkpoints: a failed critical expectation fails the run; warnings are reported.",
    )
    if not quality:
        s.message = f"{NO_DATA}: no data-quality results were passed to the report"
        return s
    verdicts = {name: _check_success(value) for name, value in quality.items()}
    overall = all(v is not False for v in verdicts.values())
    badge = "pass" if overall else "fail"
    rows = []
    for name, value in quality.items():
        ok = verdicts[name]
        verdict = {True: "passed", False: "FAILED", None: "unknown"}[ok]
        details = _details_html(value) if isinstance(value, Mapping) else ""
        rows.append(
            f"<tr class='{'' if ok is None else ('ok' if ok else 'bad')}'><th>{html.escape(str(name))}</th>"
            f"<td>{verdict}</td><td>{details}</td></tr>"
        )
    s.body_html = (
        f"<p class='verdict {badge}'>Verdict: {'PASSED' if overall else 'FAILED'}</p>"
        f"<table class='quality'><tr><th>checkpoint</th><th>result</th><th>details</th></tr>{''.join(rows)}</table>"
    )
    return s


def _details_html(value: Mapping[str, Any]) -> str:
    parts = []
    for key, item in value.items():
        if key in ("success", "passed", "ok"):
            continue
        if isinstance(item, str) and key.endswith(("docs", "docs_path", "path", "url")):
            href = item if "://" in item else Path(item).resolve().as_uri()
            parts.append(f"{html.escape(key)}: <a href='{html.escape(href)}'>{html.escape(item)}</a>")
        elif isinstance(item, list | tuple):
            shown = "; ".join(html.escape(str(x)) for x in item[:10]) + (" …" if len(item) > 10 else "")
            parts.append(f"{html.escape(key)} ({len(item)}): {shown}")
        else:
            parts.append(f"{html.escape(key)}: {html.escape(str(item))}")
    return "<br>".join(parts)


# --------------------------------------------------------------------------- page


def _scale(colors: Mapping[str, str], values: pd.Series) -> alt.Scale:
    present = [v for v in colors if v in set(values)]
    extra = sorted(set(values) - set(colors))
    return alt.Scale(domain=present + extra, range=[colors[v] for v in present] + ["#bab0ac"] * len(extra))


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The Vega + Vega-Lite + vega-embed JavaScript, for inlining (defines ``window.vegaEmbed``)."""
    try:
        import vl_convert as vlc
        from altair.utils._importers import vl_version_for_vl_convert
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ReportError(
            "the report inlines Vega's JavaScript from the package vl-convert-python, which is not installed"
        ) from exc
    return vlc.javascript_bundle(vl_version=vl_version_for_vl_convert())


def _script_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(obj, ensure_ascii=False, default=str).replace("<", "\\u003c")


def _render_section(s: Section, first_chart: int) -> tuple[str, list[dict[str, Any]]]:
    specs: list[dict[str, Any]] = []
    parts = [f"<section id='{s.key}'><h2>{html.escape(s.title)}</h2><p class='desc'>{html.escape(s.description)}</p>"]
    if s.message:
        parts.append(f"<p class='no-data'>{html.escape(s.message)}</p>")
    parts.append(s.body_html)
    if s.charts:
        parts.append("<div class='charts'>")
        for chart in s.charts:
            n = first_chart + len(specs)
            specs.append(chart.to_dict())
            parts.append(f"<div class='chart' id='chart-{n}' data-chart='{n}' data-section='{s.key}'></div>")
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts), specs


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }}
h1 {{ margin-bottom: .2rem; }} .meta {{ color: #666; margin-top: 0; }}
section {{ border-top: 1px solid #ddd; padding: .5rem 0 1rem; }}
.desc {{ color: #444; max-width: 60rem; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }}
.no-data {{ color: #8a6d3b; background: #fcf8e3; padding: .5rem .8rem; display: inline-block; }}
.chart-error {{ color: #a94442; background: #f2dede; padding: .5rem; }}
.facts {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
.facts div {{ background: #f5f5f5; padding: .5rem .8rem; }}
.facts span {{ display: block; color: #666; font-size: .8rem; }}
.verdict {{ font-weight: bold; padding: .4rem .8rem; display: inline-block; }}
.verdict.pass {{ background: #dff0d8; color: #3c763d; }} .verdict.fail {{ background: #f2dede; color: #a94442; }}
table.quality {{ border-collapse: collapse; }}
table.quality td, table.quality th {{ border: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }}
tr.bad td {{ background: #f2dede; }}
</style>
<script>
{bundle}
</script>
</head>
<body data-charts="{n_charts}" data-rendered="pending">
<h1>{title}</h1>
<p class="meta">{meta}</p>
<section id="summary"><h2>In the warehouse</h2>{summary}</section>
{sections}
<script type="application/json" id="chart-specs">{specs}</script>
<script>
(function () {{
  const specs = JSON.parse(document.getElementById("chart-specs").textContent);
  const jobs = specs.map(function (spec, i) {{
    const el = document.getElementById("chart-" + i);
    return vegaEmbed(el, spec, {{ actions: false, renderer: "svg" }})
      .then(function () {{ el.dataset.status = "ok"; }})
      .catch(function (err) {{
        el.dataset.status = "error";
        el.className += " chart-error";
        el.textContent = "chart error: " + err;
        console.error(err);
      }});
  }});
  Promise.all(jobs).then(function () {{ document.body.dataset.rendered = "done"; }});
}})();
</script>
</body>
</html>
"""


def build_sections(con: duckdb.DuckDBPyConnection | None, quality: Mapping[str, Any] | None) -> list[Section]:
    """Every section of the report; a section that fails to build says so instead of failing the report."""
    m = Marts(con)
    builders: list[tuple[str, str, Callable[[Marts], Section]]] = [
        ("register", "Posts and engagement per month, by register", _register_section),
        ("themes", "Posts and engagement per month, by theme", _theme_section),
        ("bilingual", "Share of bilingual posts, per platform and month", _bilingual_section),
        ("events", "Events: did the embassy's posts or the news come first?", _events_section),
        ("entities", f"Top {TOP_ENTITIES} entities, by theme", _entities_section),
    ]
    sections = []
    for key, title, build in builders:
        if con is None:
            sections.append(Section(key, title, "", message=f"{NO_DATA}: no published warehouse"))
            continue
        try:
            sections.append(build(m))
        except (duckdb.Error, ValueError, KeyError, TypeError) as exc:
            log.exception("report section %s failed", key)
            sections.append(Section(key, title, "", message=f"could not draw this section: {exc}"))
    sections.append(_quality_section(quality))
    return sections


def write_report(
    warehouse: Path | None = None,
    out: Path | None = None,
    quality: Mapping[str, Any] | None = None,
    *,
    title: str = "diplowatch run report",
    run_id: str | None = None,
) -> Path:
    """Write the static HTML report of ``warehouse`` (default: the published one) to ``out``; return its path.

    ``quality`` maps a checkpoint name to its result: a bool, or a dict with ``success`` and any
    counts, lists of failures and a ``docs`` path (shown as a link). Missing tables never fail the
    report: their sections say "no data yet". The file is written atomically.
    """
    warehouse = Path(warehouse) if warehouse else paths.warehouse()
    out = Path(out) if out else default_report_path()
    con = duckdb.connect(str(warehouse), read_only=True) if warehouse.exists() else None
    try:
        if con is not None:
            con.execute("set timezone = 'UTC'")
        sections = build_sections(con, quality)
        summary = (
            _summary(Marts(con)) if con is not None else f"<p class='no-data'>{NO_DATA}: {warehouse} does not exist</p>"
        )
    finally:
        if con is not None:
            con.close()

    bodies, specs = [], []
    with alt.data_transformers.disable_max_rows():
        for s in sections:
            body, section_specs = _render_section(s, len(specs))
            bodies.append(body)
            specs.extend(section_specs)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = f"generated {generated} from {warehouse}" + (f" · run {run_id}" if run_id else "")
    page = PAGE.format(
        title=html.escape(title),
        meta=html.escape(meta),
        bundle=vega_bundle().replace("</script", "<\\/script"),
        n_charts=len(specs),
        summary=summary,
        sections="\n".join(bodies),
        specs=_script_json(specs),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("report written: %s (%d charts)", out, len(specs))
    return out
