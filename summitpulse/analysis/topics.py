"""Emerging topics nobody configured: TF-IDF + NMF over recent original posts.

The event's own tags, the themes' keywords and URLs are left out, so what
surfaces is what the configuration did not foresee. The factorisation is
seeded (NNDSVD) and topics are ordered by size then label, so the same
posts always give the same topics.
"""

from __future__ import annotations

import re
import warnings

from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sqlalchemy import Connection

from ..settings.config import Config
from ..store import schema
from .filters import Filters
from .metrics import counted

# NMF stopping at its iteration cap still gives the topics shown (seeded, the same each time), and on a small,
# near-perfect fit its error estimate takes the root of a rounding error below zero; sklearn's warnings about
# either reached the organiser's terminal on every `report` and the dashboard's log on every refresh
warnings.filterwarnings("ignore", category=ConvergenceWarning, module=r"sklearn\.decomposition")
warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning, r"sklearn\.decomposition")

p = schema.posts
URL = re.compile(r"https?://\S+|@\S+")
FILLER = {
    "key",
    "point",
    "true",
    "important",
    "discussion",
    "thinking",
    "loved",
    "take",
    "question",
    "panel",
    "hot",
    "topic",
    "notes",
    "great",
    "agreed",
    "exactly",
    "sure",
    "agree",
    "today",
    "summit",
    "session",
    "talk",
    "like",
    "just",
    "amp",
    "rt",
    "via",
    "thanks",
    "des",
    "les",
    "sur",
    "pour",
    "une",
    "est",
    "très",
    "belle",
    "présentation",
    "excellente",
    "ligne",
    "suis",
    "dans",
}


def _stop_words(config: Config) -> list[str]:
    words = set(ENGLISH_STOP_WORDS) | FILLER | set(config.hashtags.all)
    for theme in config.themes:
        for phrase in theme.keywords + theme.hashtags:
            words |= set(re.findall(r"\w+", phrase.casefold()))
    w = config.participation
    for phrase in [
        *w.checkin_phrases,
        *w.remote_phrases,
        w.in_room_tag or "",
        *(f"{s.hashtag or ''} {s.title}" for s in config.programme.sessions),
    ]:
        words |= set(re.findall(r"\w+", phrase.casefold()))
    return sorted(words)


def emerging(conn: Connection, config: Config, filters: Filters, topics: int = 4, limit: int = 3000) -> list[dict]:
    """Up to ``topics`` topics: label, terms, size (posts), examples (up to 3 post texts)."""
    q = counted(config, filters, p.c.text).where(p.c.kind != "repost").order_by(p.c.created_ts.desc()).limit(limit)
    texts = [URL.sub(" ", t) for (t,) in conn.execute(q)]
    if len(texts) < 20:
        return []
    vectoriser = TfidfVectorizer(
        stop_words=_stop_words(config), ngram_range=(1, 2), min_df=3, max_df=0.5, token_pattern=r"(?u)\b[^\W\d_]{3,}\b"
    )
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # nothing left after the stop words
        return []
    k = min(topics, matrix.shape[1], len(texts) // 10)
    if k < 1:
        return []
    model = NMF(n_components=k, init="nndsvd", random_state=0, max_iter=300)
    weights = model.fit_transform(matrix)
    terms = vectoriser.get_feature_names_out()
    out = []
    for i, component in enumerate(model.components_):
        top = distinct_terms(terms[j] for j in component.argsort()[::-1][:12])[:6]
        members = [n for n in range(len(texts)) if weights[n].argmax() == i and weights[n, i] > 0.05]
        if members:
            examples = [texts[n] for n in sorted(members, key=lambda n: -weights[n, i])[:3]]
            out.append({"label": " · ".join(top[:2]), "terms": top, "size": len(members), "examples": examples})
    return sorted(out, key=lambda t: (-t["size"], t["label"]))


def distinct_terms(terms) -> list[str]:
    """``terms`` in order without one that repeats another: "livestream" and "livestream chat" give one of them."""
    kept: list[str] = []
    for term in terms:
        words = set(term.split())
        if not any(words <= set(k.split()) or set(k.split()) <= words for k in kept):
            kept.append(term)
    return kept
