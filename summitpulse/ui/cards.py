"""HTML fragments for the big screen. Every value from a post or a profile is escaped here.

Post text is hostile input: ``html.escape`` on every field, image sources
limited to https and data:image URIs, and the text isolated for
bidirectional overrides so a right-to-left trick cannot flip the layout.
"""

from __future__ import annotations

from html import escape

from ..settings.social import shown
from .palette import NETWORK_NAMES

MAX_TEXT = 600


def _text(value) -> str:
    """A text field as text: a missing one reads from a DataFrame as NaN."""
    return value if isinstance(value, str) else ""


def safe_src(url: str) -> str:
    """An image source we allow (https or an inline image), escaped; '' otherwise."""
    url = _text(url).strip()
    if url.startswith("https://") or url.startswith("data:image/"):
        return escape(url, quote=True)
    return ""


def _avatar(url: str, name: str, css: str) -> str:
    src = safe_src(url)
    if src:
        return f'<img class="{css}" src="{src}" alt="" loading="lazy">'
    initial = escape(_text(name).strip()[:1].upper() or "?")
    return (
        f'<span class="{css}" style="display:inline-flex;align-items:center;justify-content:center;'
        f'background:var(--sp-accent);color:white;font-weight:800">{initial}</span>'
    )


def tile(label: str, value: str, delta: str = "", trend: int = 0) -> str:
    css = "sp-up" if trend > 0 else "sp-down" if trend < 0 else ""
    return (
        f'<div class="sp-tile"><div class="k">{escape(label)}</div><div class="v">{escape(value)}</div>'
        f'<div class="d {css}">{escape(delta)}</div></div>'
    )


def tiles(items: list[str]) -> str:
    return f'<div class="sp-tiles">{"".join(items)}</div>'


def post_card(card: dict) -> str:
    """One post: avatar, name, handle, network, time (a link to the post on its own network), text, thumbnail."""
    text = card["text"] if len(card["text"]) <= MAX_TEXT else card["text"][:MAX_TEXT] + "…"
    badge = '<span class="sp-badge">highlight</span>' if card.get("highlight") else ""
    media = safe_src(card.get("media_url", ""))
    thumbnail = f'<img class="media" src="{media}" alt="{escape(card["media_alt"], quote=True)}">' if media else ""
    network = escape(NETWORK_NAMES.get(card["network"], card["network"]))
    when = f"{card['time']:%H:%M}"
    link = safe_link(card.get("url", ""))
    if link:
        label = escape(f"{card.get('name') or _handle(card)} at {when}, open on {network}", quote=True)
        when = f'<a class="sp-open" href="{link}" target="_blank" rel="noopener noreferrer" aria-label="{label}">{when} ↗</a>'
    return (
        f'<article class="sp-card">{_avatar(card.get("avatar_url", ""), card.get("name", ""), "av")}'
        f'<div style="min-width:0"><div class="who"><bdi>{escape(card.get("name") or "")}</bdi>{badge}</div>'
        f'<div class="meta"><bdi>{escape(_handle(card))}</bdi> · {network} · {when}</div>'
        f'<div class="txt" dir="auto"><bdi>{escape(text)}</bdi></div>'
        f"{thumbnail}</div></article>"
    )


def safe_link(url: str) -> str:
    """A post's address on its own network (https only), escaped for an attribute; '' otherwise."""
    url = (url or "").strip()
    return escape(url, quote=True) if url.startswith("https://") else ""


def _handle(card: dict) -> str:
    return shown(card["network"], card.get("handle") or "")


def rank_row(position: int, name: str, handle: str, avatar_url: str, value: str, note: str = "", unit: str = "") -> str:
    """One ranked person: position, avatar, name and handle (· ``note``), and ``value`` with its ``unit`` below."""
    name, handle = _text(name), _text(handle)
    unit_html = f'<small class="sp-note">{escape(unit)}</small>' if unit else ""
    return (
        f'<div class="sp-rank"><b>{position}</b>{_avatar(avatar_url, name, "av")}'
        f'<div style="min-width:0"><div><bdi>{escape(name or handle)}</bdi></div>'
        f'<div class="sp-note"><bdi>{escape(handle)}</bdi>{" · " + escape(note) if note else ""}</div></div>'
        f'<span class="n">{escape(value)}{unit_html}</span></div>'
    )


def panel_title(text: str) -> str:
    return f'<h2 class="sp-panel-title">{escape(text)}</h2>'


def panel(key: str, title: str, body: str) -> str:
    """One panel of the live screen: a heading and its body, which fills what room the screen leaves it."""
    return f'<section class="sp-panel sp-p-{key}">{panel_title(title)}<div class="sp-fill">{body}</div></section>'


def screen(head: str, counters: str, panels: list[str], note: str, alone: bool = False) -> str:
    """The whole live screen in one block, laid out for the viewport (see style.py): header, counters, panels, note."""
    return (
        f'<div class="sp-screen{" sp-alone" if alone else ""}">{head}{counters}'
        f'<div class="sp-main">{"".join(panels)}</div><p class="sp-footnote">{escape(note)}</p></div>'
    )


def now_box(current, upcoming, tz) -> str:
    """The session on now (and the next one), from the programme."""

    def line(session, label: str) -> str:
        when = f"{session.start.astimezone(tz):%H:%M}–{session.end.astimezone(tz):%H:%M}"
        where = f" · {escape(session.room)}" if session.room else ""
        tag = f" · {escape(session.hashtag)}" if session.hashtag else ""
        return f'<div><span class="sp-note">{label} {when}{where}{tag}</span><div><b>{escape(session.title)}</b></div></div>'

    parts = [line(current, "Now")] if current else ['<div class="sp-note">Nothing scheduled right now.</div>']
    if upcoming:
        parts.append(line(upcoming, "Next"))
    return f'<div class="sp-now">{"".join(parts)}</div>'


def header(title: str, subtitle: str, middle: str, clock: str) -> str:
    return (
        f'<div class="sp-header"><div><h1 class="sp-title">{escape(title)}</h1>'
        f'<div class="sp-sub">{escape(subtitle)}</div></div>{middle}<div class="sp-clock">{escape(clock)}</div></div>'
    )


def now_line(current, upcoming, tz) -> str:
    """The session on now and the next one, compact, for the live screen's header."""

    def part(session, label: str) -> str:
        return (
            f'<div><span class="sp-note">{label} · {session.start.astimezone(tz):%H:%M}'
            f"{' · ' + escape(session.room) if session.room else ''}</span><br><b>{escape(session.title)}</b></div>"
        )

    parts = [part(s, label) for s, label in ((current, "Now"), (upcoming, "Next")) if s]
    return f'<div class="sp-nowline">{"".join(parts)}</div>'
