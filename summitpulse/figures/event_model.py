"""Each event's own model of who is in the room, learnt from the people its strong evidence places.

The seed set: the people a roster, their own in-room or remote tag or a geotag places
(``participation.strong_evidence``), and those the rules' weaker evidence places beyond ±``model.seed_score``. A
logistic regression over character n-grams of each person's own words (any language; nothing downloaded) and
their behaviour — the rules' weaker evidence as features, who they talk with during the event (label propagation
from the seeds over replies, mentions and being mentioned together), how much of what they post is reposts or
bare links — calibrated by ``CalibratedClassifierCV``, gives everyone else a probability of being in the room and
the features that moved it most. The verdicts go to ``learnt``; the people whose verdict changed are judged again
(``upkeep.judge_stale``: ``participation.judge_person`` lets the verdict decide for a person without strong
evidence), so the ``people`` table keeps the one answer every view reads.

``learn`` runs off the refresh path: ``summitpulse learn``, and a job of ``summitpulse collect``.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import orjson
from scipy import sparse
from sqlalchemy import Connection, Engine, delete, select

from ..analysis.identity import parse_key, read_identity
from ..analysis.participation import home_far, merge_facts, profile_distance, strong_evidence, weak_evidence
from ..settings.config import Config, clean_tag
from ..store import schema
from ..store.engine import dialect_insert, get_meta, set_meta
from .counting import Counting
from .upkeep import _evidence, _profiles, accounts_facts, counting_of, judge_stale, mark_stale, read_learnt

log = logging.getLogger(__name__)
SUMMARY_KEY = "event_model"
TEXT_CAP = 300  # characters of a person's own words read: enough to say where they are, bounded at a million posts
SEEDS_CAP = 5000  # seeds per side learnt from (an even sample beyond): enough to learn, bounded at a million posts
WRITE_CHUNK = 2000
C = 4.0  # inverse regularisation: few seeds must still teach their words
_URL, _MENTION = re.compile(r"https?://\S+"), re.compile(r"(?<!\w)@[\w.@-]+")
_WORDS = re.compile(r"[^\W\d_]")
# behaviour features, each 0 when absent (absence of evidence pushes nowhere): name → how a reason shows it
BEHAVIOUR = {
    "checkin": "check-in words",
    "remote": "remote words",
    "clock": "greetings for another time of day",
    "night": "posting in the venue's night",
    "photos": "photos during sessions",
    "near": "a profile location near the venue",
    "far": "a profile location far away",
    "home_far": "a home time zone far away, kept during the event",
    "reposts": "a share of reposts",
    "links": "a share of bare links",
    "posts": "original posts",
    "with_in_room": "talking with people placed in the room",
    "with_remote": "talking with people placed remote",
    "talks": "talking with many people",
}

# the kinds of evidence the model reads (the bench measures each one's effect by leaving it out)
KINDS = {
    # the rules' weaker evidence kind by kind; never their sum, which places the seeds beyond ±seed_score (a model
    # reading it learns that selection back: on the archives' tuning half it labelled fewer people, less precisely)
    "rules": ("checkin", "remote", "clock", "night", "photos", "near", "far", "home_far"),
    "talk": ("with_in_room", "with_remote", "talks"),
    "habits": ("reposts", "links", "posts"),
    "words": (),  # the character n-grams
}


@dataclass
class Persons:
    """Everyone the model judges: their keys, behaviour (rows of BEHAVIOUR), own words, and seed side."""

    keys: list[str]
    behaviour: np.ndarray
    texts: list[str]
    seeds: np.ndarray  # 1 in the room, -1 remote, 0 not placed
    edges: list[tuple[int, int]] = field(default_factory=list)


def learn(engine: Engine, kinds: tuple[str, ...] = tuple(KINDS)) -> dict:
    """Fit the store's event model on the evidence ``kinds`` and write its verdicts; returns a summary (also kept
    in ``meta``)."""
    started = time.perf_counter()
    with engine.connect() as conn:
        counting = counting_of(conn)
        persons = gather(conn, counting) if counting else None
    if persons is None or not counting.config.participation.model.enabled:
        return {"note": "no counting settings or the model is switched off"}
    verdicts, summary = fit(persons, counting.config, kinds)
    summary["fit_seconds"], summary["at"] = round(time.perf_counter() - started, 2), int(time.time())
    summary["changed"] = write(engine, verdicts)
    with engine.begin() as conn:
        set_meta(conn, SUMMARY_KEY, orjson.dumps(summary).decode())
    log.info("event model: %s", summary)
    return summary


def last_summary(conn: Connection) -> dict | None:
    """What the last ``learn`` on this store said (``learn``'s summary), None before the first."""
    value = get_meta(conn, SUMMARY_KEY)
    return orjson.loads(value) if value else None


# --- what the model reads ------------------------------------------------------------------------------------


def gather(conn: Connection, counting: Counting) -> Persons:
    """Every judged person's behaviour, words, seed side and interactions, from the figures and the posts."""
    config, acc = counting.config, schema.accounts
    keys = list(conn.execute(select(schema.people.c.person).order_by(schema.people.c.person)).scalars())
    if not keys:
        return Persons([], np.zeros((0, len(BEHAVIOUR))), [], np.zeros(0, dtype=np.int8))
    index = {k: i for i, k in enumerate(keys)}
    members = {(r.network, r.author_id): r for r in conn.execute(select(acc).where(acc.c.posts > 0))}
    person_of = {k: index[r.person] for k, r in members.items() if r.person in index}
    texts, behaviour, edges = _read_posts(conn, config, person_of, len(keys))
    facts = _facts(conn, counting, keys, members)
    weak = [weak_evidence(config, f).score for f in facts]
    seeds = np.array([_seed(config, f, s, counting.rosters) for f, s in zip(facts, weak)], dtype=np.int8)
    rows = np.array([_behaviour(config, f) for f in facts], dtype=float)
    behaviour[:, : rows.shape[1]] = rows
    return Persons(keys, behaviour, texts, seeds, edges)


def _facts(conn: Connection, counting: Counting, keys: list[str], members: dict) -> list[dict]:
    identity = read_identity(conn, counting.config)
    evidence = _evidence(conn, list(members))
    profiles = _profiles(conn, set(members), counting.config)
    totals = {k: SimpleNamespace(posts=r.posts, reposts=r.reposts) for k, r in members.items()}
    return [merge_facts(accounts_facts(identity, parse_key(k), totals, evidence, profiles)) for k in keys]


def _seed(config: Config, f: dict, score: float, rosters: dict) -> int:
    """1 (in the room), -1 (remote) or 0: the side the strong evidence, else a rules' ``score`` beyond
    ±``model.seed_score``, places a person on."""
    side = strong_evidence(config, f, rosters)
    if not side:
        bar = config.participation.model.seed_score
        side = "in_room" if score >= bar else "remote" if score <= -bar else ""
    return {"in_room": 1, "remote": -1}.get(side, 0)


def _behaviour(config: Config, f: dict) -> list[float]:
    """The first BEHAVIOUR columns (through "home_far") of one person's merged facts."""
    counts = [math.log1p(max(f[name], 0)) for name in ("checkin", "remote", "clock", "night", "photos")]
    profile = profile_distance(config, f.get("location") or "")
    home = home_far(config, f)
    return [*counts, float(profile > 0), float(profile < 0), math.log1p(home.ratio) if home else 0.0]


def _read_posts(conn: Connection, config: Config, person_of: dict, n: int):
    """Each person's own words (capped), the shares of reposts and bare links, and who they talked with during
    the event (replies, mentions, mentioned together), from the counted posts."""
    p, m = schema.posts, schema.moderation
    drop = _cleaner(config)
    start, end = config.event.start.timestamp() - 3600, config.event.end.timestamp() + 3600
    words: list[list[str]] = [[] for _ in range(n)]
    size, posts, reposts, links = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    edges = []
    q = (
        select(p.c.network, p.c.author_id, p.c.kind, p.c.text, p.c.created_ts, p.c.reply_to_author, p.c.mentions)
        .select_from(p.outerjoin(m, (m.c.network == p.c.network) & (m.c.native_id == p.c.native_id)))
        .where(p.c.deleted_ts.is_(None), (m.c.status.is_(None)) | (m.c.status != "spam"))
        .execution_options(yield_per=20_000)
    )
    for network, author_id, kind, text, ts, reply_to, mentions in conn.execute(q):
        i = person_of.get((network, author_id))
        if i is None:
            continue
        posts[i] += 1
        if kind == "repost":
            reposts[i] += 1
            continue
        own = drop(text)
        if _URL.search(text) and len(_WORDS.findall(own)) < 12:
            links[i] += 1
        if size[i] < TEXT_CAP and own.strip():
            words[i].append(own[: TEXT_CAP - int(size[i])])
            size[i] += len(words[i][-1]) + 1
        if start <= ts <= end:
            edges += _ties(i, network, reply_to, mentions, person_of)
    behaviour = np.zeros((n, len(BEHAVIOUR)))
    names = list(BEHAVIOUR)
    originals = np.maximum(posts - reposts, 0)
    behaviour[:, names.index("reposts")] = reposts / np.maximum(posts, 1)
    behaviour[:, names.index("links")] = links / np.maximum(originals, 1)
    behaviour[:, names.index("posts")] = np.log1p(originals)
    return [" ".join(w) for w in words], behaviour, edges


def _cleaner(config: Config):
    """A post's own words, casefolded: without links, mentions, the event's tags and the in-room/remote tags."""
    w = config.participation
    tags = [*config.hashtags.all, *(clean_tag(t) for t in (w.in_room_tag, w.remote_tag) if t)]
    hashtag = re.compile(r"#(?:" + "|".join(map(re.escape, tags)) + r")(?!\w)") if tags else None

    def drop(text: str) -> str:
        text = _MENTION.sub(" ", _URL.sub(" ", (text or "").casefold()))
        return hashtag.sub(" ", text) if hashtag else text

    return drop


def _ties(i: int, network: str, reply_to, mentions: str, person_of: dict) -> list[tuple[int, int]]:
    named = orjson.loads(mentions) if mentions and mentions != "[]" else []
    others = [person_of.get((network, a)) for a in ([reply_to] if reply_to else []) + named[:8]]
    others = [j for j in dict.fromkeys(others) if j is not None and j != i]
    return [(i, j) for j in others] + [(a, b) for x, a in enumerate(others) for b in others[x + 1 :]]


def propagate(edges: list[tuple[int, int]], seeds: np.ndarray, damping: float = 0.8, steps: int = 10):
    """Label propagation from the seeds over the undirected interaction graph: for each person, how much of what
    their neighbours carry comes from people placed in the room and from people placed remote (a seed's own
    side starts the walk but is not counted for itself), and their number of neighbours."""
    n = len(seeds)
    if not edges:
        return np.zeros(n), np.zeros(n), np.zeros(n)
    rows, cols = np.array(edges).T
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    graph = (graph + graph.T).tocsr()
    graph.data = np.log1p(graph.data)  # many messages between two people count less than many people
    degree = np.asarray(graph.sum(axis=1)).ravel()
    walk = sparse.diags(1 / np.maximum(degree, 1e-9)) @ graph
    out = []
    for side in (1, -1):
        start = (seeds == side).astype(float)
        mass = start.copy()
        for _ in range(steps):
            mass = damping * (walk @ mass) + start
        out.append(walk @ mass)
    return out[0], out[1], np.log1p(graph.getnnz(axis=1))


# --- learning ------------------------------------------------------------------------------------------------


def fit(
    persons: Persons, config: Config, kinds: tuple[str, ...] = tuple(KINDS)
) -> tuple[dict[str, tuple[float, list[str]]], dict]:
    """The verdicts (person → probability in the room, what moved it most) on everyone not in the seed set whose
    own evidence pushes at least ``model.min_push`` (a person who says little is judged by the rules alone, not by
    the seeds' prior), and a summary; no verdicts when either side has fewer than ``model.min_seeds`` seeds."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    seeds, settings = persons.seeds, config.participation.model
    summary = {"people": len(seeds), "seeds_in_room": int((seeds == 1).sum()), "seeds_remote": int((seeds == -1).sum())}
    if min(summary["seeds_in_room"], summary["seeds_remote"]) < settings.min_seeds:
        summary["note"] = f"fewer than {settings.min_seeds} people placed on a side: the rules alone decide"
        return {}, summary
    names = list(BEHAVIOUR)
    behaviour = persons.behaviour.copy()
    for column, values in zip(("with_in_room", "with_remote", "talks"), propagate(persons.edges, seeds)):
        behaviour[:, names.index(column)] = values
    placed = seeds != 0
    for side in (1, -1):  # beyond SEEDS_CAP a side's seeds are learnt from as an even sample
        at = np.flatnonzero(seeds == side)
        placed[at[np.arange(len(at)) % -(-len(at) // SEEDS_CAP) != 0]] = False
    words = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 4), min_df=2, max_features=30_000, sublinear_tf=True, dtype=np.float32
    )
    read = "words" in kinds and words.fit([t for t, s in zip(persons.texts, placed) if s])
    used = [any(name in KINDS[kind] for kind in kinds) for name in names]
    scale = np.where(used, np.abs(behaviour).max(axis=0) + 1e-9, np.inf)  # to [0, 1]; absence, unused: 0
    features = lambda rows: sparse.hstack(  # noqa: E731
        [
            words.transform([persons.texts[i] for i in rows]) if read else sparse.csr_matrix((len(rows), 0)),
            sparse.csr_matrix(behaviour[rows] / scale),
        ]
    ).tocsr()
    train, rest = np.flatnonzero(placed), np.flatnonzero(seeds == 0)
    model = CalibratedClassifierCV(
        LogisticRegression(C=C, class_weight="balanced", max_iter=500), method="sigmoid", cv=3
    )
    model.fit(features(train), (seeds[train] == 1).astype(int))
    if not len(rest):
        return {}, summary
    x = features(rest)
    p_in = model.predict_proba(x)[:, 1]
    coef = np.mean([c.estimator.coef_.ravel() for c in model.calibrated_classifiers_], axis=0)
    ngrams = words.get_feature_names_out() if read else []
    labels = [f'the words "{g.strip()}"' for g in ngrams] + list(BEHAVIOUR.values())
    moved = _moved_most(x, coef, p_in, labels)
    push = x @ coef  # what the person's own evidence says, without the model's prior
    own = np.abs(push) >= settings.min_push
    verdicts = {persons.keys[i]: (round(float(p), 3), why) for i, p, why, kept in zip(rest, p_in, moved, own) if kept}
    t = settings.threshold
    summary["labelled"] = int((((p_in >= t) | (p_in <= 1 - t)) & own).sum())
    return verdicts, summary


def _moved_most(x: sparse.csr_matrix, coef: np.ndarray, p_in: np.ndarray, labels: list[str], top: int = 3):
    """Per person, the features that pushed most towards the side the model leans to, with their push."""
    pushes = x.multiply(coef).tocsr()
    out = []
    for i in range(pushes.shape[0]):
        lo, hi = pushes.indptr[i], pushes.indptr[i + 1]
        data, columns = pushes.data[lo:hi], pushes.indices[lo:hi]
        side = 1 if p_in[i] >= 0.5 else -1
        order = np.argsort(-side * data)[:top]
        out.append([f"{labels[columns[j]]} ({data[j]:+.1f})" for j in order if side * data[j] > 0])
    return out


# --- writing -------------------------------------------------------------------------------------------------


def write(engine: Engine, verdicts: dict[str, tuple[float, list[str]]]) -> int:
    """Replace the stored verdicts with ``verdicts`` where they differ, a chunk of people per transaction, and
    judge those people again; returns how many changed."""
    t = schema.learnt
    with engine.connect() as conn:
        before = read_learnt(conn)
    changed = sorted(k for k in before.keys() | verdicts.keys() if before.get(k) != verdicts.get(k))
    for i in range(0, len(changed), WRITE_CHUNK):
        chunk = changed[i : i + WRITE_CHUNK]
        with engine.begin() as conn:
            conn.execute(delete(t).where(t.c.person.in_(chunk)))
            rows = [
                {"person": k, "p_in_room": verdicts[k][0], "reasons": orjson.dumps(verdicts[k][1]).decode()}
                for k in chunk
                if k in verdicts
            ]
            if rows:
                conn.execute(dialect_insert(conn, t), rows)
            accounts = schema.accounts
            members = select(accounts.c.network, accounts.c.author_id).where(accounts.c.person.in_(chunk))
            mark_stale(conn, [tuple(r) for r in conn.execute(members)])
            judge_stale(conn)
    return len(changed)
