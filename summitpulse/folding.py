"""One way to compare words across case and accents: "Pédagogie" and "pedagogie" are the same word."""
from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Casefolded, accents and other combining marks removed (NFKD)."""
    text = text or ""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))
