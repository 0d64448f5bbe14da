"""The conversation graph: who replies to, mentions, reposts and quotes whom."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
from sqlalchemy import Connection, and_, func, literal, union_all
from sqlalchemy.orm import aliased

from ..settings.config import Config
from ..store import schema
from .filters import Filters
from .frames import frame_of
from .metrics import counted
from .visibility import is_opted_out, withheld

p, m = schema.posts, schema.post_mentions


def ties(conn: Connection, config: Config, filters: Filters) -> pd.DataFrame:
    """Who mentions (``how`` "mention") and reposts or quotes ("share") whom, counted: columns how, network, source,
    target (author ids of that network), weight. One read serves the graph (``edges``) and the mention counts."""
    mentions = counted(
        config,
        filters,
        literal("mention").label("how"),
        p.c.network,
        p.c.author_id.label("source"),
        m.c.mentioned.label("target"),
    ).join(m, and_(m.c.network == p.c.network, m.c.native_id == p.c.native_id))
    parent = aliased(p)
    shared = counted(config, filters, literal("share"), p.c.network, p.c.author_id, parent.c.author_id).join(
        parent, and_(parent.c.network == p.c.network, parent.c.native_id == func.coalesce(p.c.repost_of, p.c.quote_of))
    )
    both = union_all(mentions, shared).subquery()
    q = both.select().with_only_columns(*both.c, func.count()).group_by(*both.c)
    return frame_of(conn.execute(q), columns=["how", "network", "source", "target", "weight"])


def edges(conn: Connection, config: Config, filters: Filters) -> pd.DataFrame:
    """Weighted directed edges between ``network:author_id`` keys, loops left out: columns source, target, weight."""
    return edges_of(ties(conn, config, filters))


def edges_of(counted_ties: pd.DataFrame) -> pd.DataFrame:
    """``edges`` from ``ties`` the caller already read."""
    t = counted_ties
    keyed = pd.DataFrame(
        {"source": t.network + ":" + t.source, "target": t.network + ":" + t.target, "weight": t.weight}
    )
    keyed = keyed[keyed.source != keyed.target]
    return keyed.groupby(["source", "target"], as_index=False).weight.sum()


def conversation(
    conn: Connection,
    config: Config,
    filters: Filters,
    handles: dict[str, str],
    limit: int = 60,
    links: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``limit`` most connected people laid out for drawing: (nodes: key, network, label, x, y, degree; edges).
    ``links`` is ``edges`` of the same filters, when the caller has it."""
    links = edges(conn, config, filters) if links is None else links
    unnamed = withheld(conn, config)
    everyone = pd.unique(links[["source", "target"]].to_numpy().ravel())
    hidden = {k for k in everyone if k in unnamed or _hidden(config, k, handles)}
    links = links[~links.source.isin(hidden) & ~links.target.isin(hidden)]
    people = pd.unique(links[["source", "target"]].to_numpy().ravel())  # as they first appear, edge by edge
    degree = links.groupby("source").weight.sum().add(links.groupby("target").weight.sum(), fill_value=0)
    top = {k for k, _ in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]}
    sub = nx.DiGraph()  # the few drawn: a graph of every edge is costly on a large store
    sub.add_nodes_from(k for k in people if k in top)
    sub.add_weighted_edges_from(
        links[links.source.isin(top) & links.target.isin(top)].itertuples(index=False, name=None)
    )
    nodes = pd.DataFrame(
        [
            {
                "key": k,
                "network": k.split(":", 1)[0],
                "label": handles.get(k, k.split(":", 1)[1]),
                "x": xy[0],
                "y": xy[1],
                "degree": sub.degree(k, weight="weight"),
            }
            for k, xy in layout(sub).items()
        ],
        columns=["key", "network", "label", "x", "y", "degree"],
    )
    lines = pd.DataFrame(
        [(s, t, d["weight"]) for s, t, d in sub.edges(data=True)], columns=["source", "target", "weight"]
    )
    return nodes, lines


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for drawing: each connected group laid out on its own, side by side, the biggest first, each as wide
    as the square root of its size (one spring layout of them all pushes separate groups into the corners, where
    they shrink to a blot; conversations rarely cross networks, so there are several groups)."""
    undirected = graph.to_undirected()
    pos: dict[str, tuple[float, float]] = {}
    left = 0.0
    for group in sorted(nx.connected_components(undirected), key=lambda g: (-len(g), min(g))):
        width = math.sqrt(len(group))
        centre = (left + width / 2, 0.0)
        if len(group) == 1:
            pos[next(iter(group))] = centre
        else:
            pos |= nx.spring_layout(undirected.subgraph(group), seed=7, weight="weight", scale=width / 2, center=centre)
        left += width + 0.5
    return {k: (float(x), float(y)) for k, (x, y) in pos.items()}


def _hidden(config: Config, key: str, handles: dict[str, str]) -> bool:
    network, author_id = key.split(":", 1)
    return is_opted_out(config, network, handles.get(key, ""), author_id)
