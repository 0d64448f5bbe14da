"""What the report says, gathered from the analysis: figures as HTML fragments, tables as records."""

from __future__ import annotations

import base64
import mimetypes
from datetime import UTC, datetime
from functools import partial

from plotly.graph_objects import Figure
from sqlalchemy import Connection

from ...analysis import (
    contributors,
    evaluation,
    graph,
    metrics,
    people,
    programme,
    recaps,
    stakeholders,
    themes,
    topics,
)
from ...analysis.completeness import estimate
from ...analysis.filters import Filters
from ...analysis.health import health
from ...analysis.wall import top_posts
from ...settings.config import Config
from ...ui import charts
from ..recaps import STYLE, recap_html

RANKINGS = {
    "posts": "Most active (posts)",
    "engagement": "Most engaging (likes, reposts, replies, quotes received)",
    "reach": "Widest potential reach (posts × followers — an upper bound)",
    "mentions": "Most mentioned",
    "influence": "Most influential (PageRank on the conversation graph)",
}


def _fig(figure: Figure) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False, config={"displayModeBar": False, "responsive": True})


def step(progress) -> None:
    if progress is not None:
        progress.update()


def gather(conn: Connection, config: Config, progress=None, shared: dict | None = None) -> dict:
    """Every section's content but ``collection``'s, in reading order, from the figures kept in the store.

    ``shared`` receives the participants, the contributor table and the stakeholder groups, for the appendix's
    data files."""
    everything = Filters()
    everyone = people.stored(conn)
    head = metrics.headline(conn, config, everything, int(config.event.end.timestamp()))
    step(progress)
    out = {
        "config": config,
        "title": config.dashboard.title,
        "accent": config.dashboard.accent_color,
        "logo": logo_uri(config),
        "generated": datetime.now(UTC).astimezone(config.event.tz),
        "headline": head,
        "split": people.totals(conn) if not everyone.empty else None,
        "self_reports": people.self_reports(conn),
        "timeline": _fig(charts.network_timeline(metrics.timeline(conn, config, everything, 900), "light", 340)),
        "participation_time": _fig(charts.participation_area(people.split_over_time(conn, config), "light", 340))
        if not everyone.empty
        else "",
    }
    step(progress)
    by_theme, groups = themes.by_participation(conn, config, everything), stakeholders.classify(conn, config)
    out |= {
        "theme_totals": themes.totals(conn, config, everything).to_dict("records"),
        "theme_time": _fig(charts.theme_lines(themes.timeline(conn, config, everything, 1800), "light", 340)),
        "theme_split": _fig(charts.split_bars(by_theme, "light", "theme", 300)) if not by_theme.empty else "",
        "emerging": topics.emerging(conn, config, everything),
        "theme_stakeholders": stakeholders.per_theme(groups, themes.authors(conn, config, everything)).to_dict(
            "records"
        ),
    }
    step(progress)
    counted_ties = graph.ties(conn, config, everything)  # one read for mentions, influence and the network drawing
    links = graph.edges_of(counted_ties)
    table = contributors.table(conn, config, everything, counted_ties, links)
    if shared is not None:
        shared.update(people=everyone, contributors=table, groups=groups)
    out["rankings"] = {title: contributors.top(table, by, 10).to_dict("records") for by, title in RANKINGS.items()}
    step(progress)
    out["sessions"] = programme.activity(
        conn, config, everything, themes.timeline(conn, config, everything, 60)
    ).to_dict("records")
    out["recaps"] = session_recaps(conn, config)
    step(progress)
    handles = dict(zip(table.person, table.handle))
    nodes, lines = graph.conversation(conn, config, everything, handles, 40, links)
    out["network"] = _fig(charts.network_graph(nodes, lines, "light", 560)) if not nodes.empty else ""
    step(progress)
    out["top_posts"] = top_posts(conn, config, everything, 10)
    step(progress)
    out |= {
        "health": health(conn, config).to_dict("records"),
        "weights": config.participation,
        "measured": evaluation.measured_note(),
        "linked": int((everyone.accounts.map(len) > 1).sum()) if not everyone.empty else 0,
    }
    return out


def collection(conn: Connection, config: Config) -> dict:
    """The sections about what was collected: coverage, languages, hashtags, links."""
    everything = Filters()
    return {
        "coverage": estimate(conn),
        "languages": metrics.languages(conn, config, everything).to_dict("records"),
        "tags": metrics.top_tags(conn, config, everything).to_dict("records"),
        "links": metrics.top_links(conn, config, everything).to_dict("records"),
    }


def session_recaps(conn: Connection, config: Config) -> list[str]:
    """Each ended session's recap as HTML, in programme order (the recap's own style first)."""
    over, days = recaps.ended(config, int(config.event.end.timestamp()) + recaps.AFTER_S), {}
    labels = partial(people.split_among, conn)
    return (
        [STYLE] + [recap_html(config, recaps.recap(conn, config, s, labels, days=days)) for s in reversed(over)]
        if over
        else []
    )


def logo_uri(config: Config) -> str:
    """``dashboard.logo`` as a data: URI, so the report carries it and fetches nothing ('' without one)."""
    if config.dashboard.logo is None:
        return ""
    kind = mimetypes.guess_type(config.dashboard.logo)[0]
    return f"data:{kind};base64,{base64.b64encode(config.path(config.dashboard.logo).read_bytes()).decode()}"
