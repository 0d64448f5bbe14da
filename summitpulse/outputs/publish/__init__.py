"""``publish``: the public wall and each theme's page as static files, for any web server or CDN.

A remote audience of thousands costs a Streamlit process each; a folder of
files costs nothing. Every ``every`` seconds: ``index.html`` (the wall),
``embed.html`` (the same, compact, for an ``<iframe>`` on the conference's
site), ``themes/<slug>.html``, and feeds of the approved posts
(``feed.json`` — JSON Feed 1.1 —, ``feed.xml`` — RSS 2.0 —, and per theme).
The posts are the live screen's: ``analysis.wall`` decides, with the same
moderation and opt-outs. Nothing else leaves: no counts, labels, moderation
reasons or settings. Each cycle is written to a new folder, then the output
path (a symbolic link) is swapped to it in one rename, so a reader never sees
half a cycle.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import Connection, Engine

from ...analysis.filters import Filters
from ...analysis.visibility import ANONYMOUS, naming, opted_out_accounts
from ...analysis.wall import wall
from ...normalise.folding import fold
from ...settings.config import Config
from ...settings.social import shown
from ...store.clock import event_now
from ...ui.cards import MAX_TEXT, safe_src
from ...ui.palette import NETWORK_NAMES

log = logging.getLogger(__name__)
TEMPLATES = Environment(
    loader=PackageLoader("summitpulse.outputs.publish", "templates"), autoescape=select_autoescape(["html", "j2"])
)
WALL_POSTS = 24
FEED_POSTS = 50
KEEP_VERSIONS = 3  # older cycles are removed; a reader still downloading one of these is not cut off
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def slug(name: str) -> str:
    """A theme's file name: "Ethics & professionalism" → "ethics-professionalism"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "theme"


def _card(c: dict, tz, opted_out: re.Pattern | None = None) -> dict:
    """What a published card shows (the wall's card, public fields only, no opted-out person named in its text),
    its URLs checked."""
    handle = shown(c["network"], c["handle"])
    text, alt = (opted_out.sub(ANONYMOUS, c[k]) if opted_out else c[k] for k in ("text", "media_alt"))
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    return {
        "id": f"{c['network']}:{c['native_id']}",
        "name": c["name"] or handle,
        "initial": (c["name"] or handle or "?").strip()[:1].upper() or "?",
        "handle": handle,
        "network": NETWORK_NAMES.get(c["network"], c["network"]),
        "text": text,
        "url": c["url"] if c["url"].startswith(("https://", "http://")) else "",
        "avatar": Markup(safe_src(c["avatar_url"])),  # escaped by safe_src, which also allows only https and data:
        "media": Markup(safe_src(c["media_url"])),
        "media_alt": alt,
        "time": c["time"],
        "iso": c["time"].isoformat(),
        "clock": c["time"].astimezone(tz).strftime("%H:%M"),
        "highlight": c["highlight"],
    }


def _page(
    config: Config, now: int, cards: list[dict], heading: str, nav, root: str, feed: str, every: int, embed=False
) -> str:
    return TEMPLATES.get_template("wall.html.j2").render(
        heading=heading,
        event=config.event.name,
        hashtag=config.hashtags.primary,
        accent=config.dashboard.accent_color,
        updated=datetime.fromtimestamp(now, config.event.tz),
        cards=cards,
        nav=nav,
        root=root,
        feed=feed,
        every=every,
        embed=embed,
    )


def json_feed(config: Config, cards: list[dict], title: str, site_url: str, path: str) -> str:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of ``cards``."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{title} — {config.event.name}",
        "items": [
            {
                "id": c["id"],
                **({"url": c["url"]} if c["url"] else {}),
                "content_text": c["text"],
                "date_published": c["iso"],
                "authors": [{"name": f"{c['name']} ({c['handle']}, {c['network']})"}],
            }
            for c in cards
        ],
    }
    if site_url:
        feed |= {"home_page_url": f"{site_url}/", "feed_url": f"{site_url}/{path}"}
    return json.dumps(feed, ensure_ascii=False, indent=1)


def rss(config: Config, cards: list[dict], title: str, site_url: str) -> str:
    """RSS 2.0 of ``cards``; characters XML cannot carry are left out."""
    clean = lambda s: _XML_ILLEGAL.sub("", s)  # noqa: E731
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    for tag, value in (
        ("title", f"{title} — {config.event.name}"),
        ("link", f"{site_url}/" if site_url else "https://example.invalid/"),
        ("description", f"Posts from {config.event.name} ({config.hashtags.primary}) moderation let through"),
    ):
        ET.SubElement(channel, tag).text = clean(value)
    for c in cards:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = clean(f"{c['name']}: {c['text'][:90]}")
        ET.SubElement(item, "description").text = clean(c["text"])
        ET.SubElement(item, "author").text = clean(f"{c['handle']} ({c['network']})")
        ET.SubElement(item, "guid", isPermaLink="false").text = clean(c["id"])
        ET.SubElement(item, "pubDate").text = format_datetime(c["time"].astimezone(UTC))
        if c["url"]:
            ET.SubElement(item, "link").text = clean(c["url"])
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def site(conn: Connection, config: Config, every: int, site_url: str = "") -> dict[str, str]:
    """Every file of one cycle, by path: the wall, the embed, each theme's page, and their feeds."""
    now, tz = event_now(conn), config.event.tz
    pages = [("All posts", "index", Filters())] + [
        (t.name, f"themes/{slug(t.name)}", Filters(themes=(t.name,))) for t in config.themes
    ]
    nav = [(label, f"{path}.html", False) for label, path, _ in pages]
    files, names = {}, naming(opted_out_accounts(conn, config))
    for label, path, filters in pages:
        root = "../" if "/" in path else ""
        cards = [_card(c, tz, names) for c in wall(conn, config, filters, now, WALL_POSTS)]
        latest = [_card(c, tz, names) for c in wall(conn, config, filters, now, FEED_POSTS, highlights=False)]
        here = [(label_, href, href == f"{path}.html") for label_, href, _ in nav]
        feed = "feed" if path == "index" else path
        heading = config.dashboard.title if path == "index" else label
        files[f"{path}.html"] = _page(config, now, cards, heading, here, root, feed, every)
        files[f"{feed}.json"] = json_feed(config, latest, label, site_url, f"{feed}.json")
        files[f"{feed}.xml"] = rss(config, latest, label, site_url)
        if path == "index":
            files["embed.html"] = _page(config, now, cards[:8], config.dashboard.title, None, "", "", every, embed=True)
    return files


def swap(out: Path, files: dict[str, str]) -> Path:
    """Write ``files`` to a new folder beside ``out``, then point ``out`` (a symbolic link) at it in one rename."""
    out = out.absolute()
    if out.exists() and not out.is_symlink():
        if any(out.iterdir()):
            raise FileExistsError(f"{out} is a folder publish did not make; name a new path (it becomes a link)")
        out.rmdir()
    versions = out.with_name(f".{out.name}.versions")
    versions.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=versions, prefix=f"{time.time_ns()}-"))
    for path, content in files.items():
        target = fresh / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        target.chmod(0o644)
    for folder in (fresh, *(p for p in fresh.rglob("*") if p.is_dir())):
        folder.chmod(0o755)  # any web server's user reads it (mkdtemp made it private)
    link = versions / f".link-{fresh.name}"
    link.symlink_to(fresh.relative_to(out.parent))
    os.replace(link, out)  # atomic: readers see the old cycle or the new one
    for old in sorted((p for p in versions.iterdir() if p.is_dir()), key=lambda p: p.name)[:-KEEP_VERSIONS]:
        shutil.rmtree(old, ignore_errors=True)
    return fresh


def publish(config: Config, engine: Engine, out: Path, every: int = 15, once: bool = False, site_url: str = "") -> int:
    """Write the public wall to ``out`` every ``every`` seconds (or once)."""
    site_url = site_url.rstrip("/")
    while True:
        started = time.monotonic()
        with engine.connect() as conn:
            files = site(conn, config, every, site_url)
        try:
            swap(out, files)
        except FileExistsError as exc:
            print(f"error: {exc}", flush=True)
            return 2
        log.info("published %d files to %s in %.2f s", len(files), out, time.monotonic() - started)
        if once:
            print(f"wrote the public wall to {out}/ (index.html, embed.html, themes/, feed.json, feed.xml)")
            return 0
        time.sleep(max(0.0, every - (time.monotonic() - started)))
