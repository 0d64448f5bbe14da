"""One way to compare words across case, accents and endings: "Pédagogie" and "pedagogie" are the same
word, and so (by their Snowball stems) are "ethics" and "ethical"."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+")
_english = snowballstemmer.stemmer("english")
MIN_STEM, MAX_CUT = 5, 4  # a stem shorter, or one that cuts more, over-reaches: "wellness" → "well"


def fold(text: str | None) -> str:
    """Casefolded, accents and other combining marks removed (NFKD)."""
    text = text or ""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (English) stem of one folded word."""
    return _english.stemWord(word)


@lru_cache(maxsize=4096)  # a repost carries its original's text: reposts of recent posts are stemmed once
def stems(folded: str) -> str:
    """The stems of every word of ``folded`` text, space-separated and space-padded: " ethic of public "."""
    return f" {' '.join(map(stem, WORD.findall(folded)))} "


def keyword_stems(folded: str) -> str | None:
    """What a keyword matches in ``stems`` output (" peer review "), or None where stemming would over-reach:
    a stem shorter than MIN_STEM letters, or one cutting more than MAX_CUT ("publication" → "public")."""
    words = WORD.findall(folded)
    cut = [stem(w) for w in words]
    if not words or any(len(s) < min(MIN_STEM, len(w)) or len(w) - len(s) > MAX_CUT for w, s in zip(words, cut)):
        return None
    return f" {' '.join(cut)} "


def folded_columns(text: str | None) -> dict[str, str]:
    """A post's ``text_folded`` and ``text_stems``, as stored for theme matching."""
    folded = fold(text)
    return {"text_folded": folded, "text_stems": stems(folded)}
