"""Ask the people where they are: a pre-filled post on their own network carrying the event's tag and the
in-room or remote tag (``config.participation``), which the rules read as the strongest evidence after a roster.

The live screen shows a QR code and a short link to the ``say`` page ("In the room? Say so"), the theme page a
button to it for remote followers; the page opens X's or Bluesky's compose intent, or Mastodon's share page on
the person's own server. Nothing is posted until the person presses Post on their network.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from urllib.parse import quote

import segno
import streamlit as st

from ..settings.config import Config, clean_tag

PLACES = ("room", "afar")
_HOST = re.compile(r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}")


def tag_of(config: Config, where: str) -> str | None:
    """The tag that says ``where`` ("room" or "afar"), as written in posts; None when none is configured."""
    w = config.participation
    tag = w.in_room_tag if where == "room" else w.remote_tag
    return f"#{tag.strip().lstrip('#')}" if tag else None


def message(config: Config, where: str) -> str:
    """The pre-filled post: where the person is, the event's name, its tag and the tag that says where."""
    primary = f"#{config.hashtags.primary.strip().lstrip('#')}"
    said = "In the room at" if where == "room" else "Following from afar:"
    tags = [primary, *([tag] if (tag := tag_of(config, where)) and clean_tag(tag) != clean_tag(primary) else [])]
    return f"{said} {config.event.name} {' '.join(tags)}"


def intents(text: str) -> dict[str, str]:
    """Compose links that open a post pre-filled with ``text`` on X and Bluesky (they ask the person to sign in)."""
    q = quote(text, safe="")
    return {
        "x": f"https://twitter.com/intent/tweet?text={q}",
        "bluesky": f"https://bsky.app/intent/compose?text={q}",
    }


def mastodon_server(raw: str) -> str | None:
    """The Mastodon server a person typed — "mastodon.social", "https://fosstodon.org/", "@me@hachyderm.io" — as
    a host name; None when it is not one (the text is hostile: it becomes part of a link)."""
    host = (raw or "").strip().casefold()
    host = re.sub(r"^https?://", "", host).split("/", 1)[0]
    host = host.rsplit("@", 1)[-1].rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return host if _HOST.fullmatch(host) else None


def mastodon_share(server: str, text: str) -> str:
    """Mastodon's share page on ``server`` (a checked host name), pre-filled with ``text``."""
    return f"https://{server}/share?text={quote(text, safe='')}"


def say_url(config: Config, where: str = "room") -> str:
    """The ``say`` page's address as people reach it (``dashboard.public_url``, else ``alerts.base_url``)."""
    base = (config.dashboard.public_url or config.alerts.base_url).rstrip("/")
    return f"{base}/say" + ("?from=afar" if where == "afar" else "")


@lru_cache(maxsize=8)
def qr_svg(url: str) -> str:
    """``url`` as a QR code, an inline SVG without a fixed size (CSS sizes it); medium error correction so a
    projector's glare or a keystoned image still scans."""
    return segno.make(url, error="m", micro=False).svg_inline(omitsize=True, border=2, dark="#000", light="#fff")


STYLE = """<style>
[data-testid="stMainBlockContainer"]{padding-bottom:calc(clamp(96px,7vw,180px) + 3vw)}
.sp-screen .sp-footnote{margin-right:calc(clamp(96px,7vw,180px) + 19vw) !important}
.sp-say{position:fixed;right:1.2vw;bottom:1.2vw;z-index:50;display:flex;gap:.8vw;align-items:center;
 background:#fff;color:#111;border-radius:10px;padding:.6vw .9vw .6vw .6vw;box-shadow:0 2px 12px rgba(0,0,0,.25)}
.sp-say svg{width:clamp(96px,7vw,180px);height:auto;display:block}
.sp-say b{display:block;font-size:clamp(15px,1.35vw,30px);line-height:1.2}
.sp-say span{display:block;font-size:clamp(12px,1.05vw,24px);font-family:ui-monospace,monospace;max-width:16vw;
 overflow-wrap:anywhere}
</style>"""


def room_card(config: Config) -> str:
    """The live screen's corner card: a QR code and the short link to say so (HTML; '' without an in-room tag)."""
    if not config.participation.in_room_tag:
        return ""
    url = say_url(config)
    short = re.sub(r"^https?://", "", url)
    return (
        f'{STYLE}<div class="sp-say" role="complementary" aria-label="In the room? Say so">{qr_svg(url)}'
        f"<div><b>In the room? Say so</b><span>{escape(short)}</span></div></div>"
    )


def room_qr(config: Config) -> None:
    """Show the corner card on the current page (a component: one call, its own style)."""
    card = room_card(config)
    if card:
        st.markdown(card, unsafe_allow_html=True)
