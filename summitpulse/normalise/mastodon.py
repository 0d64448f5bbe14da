"""Mastodon statuses (API JSON or Mastodon.py dicts) → posts and authors.

A status has a different id on every instance; its ActivityPub ``uri`` is
the same everywhere, so it is the post's native id. Accounts likewise are
keyed by ``user@domain``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlparse

from .common import (
    PAYLOAD_ERRORS,
    NormaliseError,
    as_int,
    as_str,
    html_to_text,
    parse_time,
    require,
    require_id,
    web_address,
)
from .models import Author, Batch, Post

NETWORK = "mastodon"
LOCATION_FIELDS = ("location", "lieu", "based in", "city", "ort", "ubicación", "where")


def account_id(account: dict) -> str:
    """``user@domain`` for an account seen from any instance."""
    acct = require_id(account, "acct")
    if "@" in acct:
        return acct.casefold()
    host = _host(as_str(account.get("url")) or as_str(account.get("uri")))
    if not host:
        raise NormaliseError(f"account {acct!r} has no domain and no url")
    return f"{acct}@{host}".casefold()


@lru_cache(maxsize=4096)
def _host(url: str) -> str | None:
    """The host name of ``url``; the same few instances' addresses recur on every status of a page."""
    return urlparse(url).hostname


def _location(account: dict) -> str:
    for f in account.get("fields") or []:
        if isinstance(f, dict) and as_str(f.get("name")).strip().casefold() in LOCATION_FIELDS:
            return html_to_text(as_str(f.get("value")))[0]
    return ""


def author_from_account(account: dict) -> Author:
    acct = account_id(account)
    return Author(
        network=NETWORK,
        author_id=acct,
        handle=f"@{acct}",
        display_name=as_str(account.get("display_name")) or as_str(account.get("username")),
        followers=as_int(account.get("followers_count")),
        location=_location(account),
        description=html_to_text(as_str(account.get("note")))[0],
        avatar_url=as_str(account.get("avatar_static") or account.get("avatar")),
        url=as_str(account.get("url")),
    )


def _mention_ids(status: dict) -> dict[str, str]:
    """Instance-local account id → ``user@domain`` for the status's mentions."""
    out = {}
    for m in status.get("mentions") or []:
        if isinstance(m, dict) and m.get("acct"):
            try:
                out[str(m.get("id"))] = account_id(m)
            except NormaliseError:
                continue
    return out


def _quoted_uri(status: dict) -> str | None:
    quote = status.get("quote")
    if isinstance(quote, dict):
        quoted = quote.get("quoted_status") or quote
        if isinstance(quoted, dict) and quoted.get("uri"):
            return as_str(quoted["uri"])
    return None


def _reply_author(reply_account: str, account: dict, mentions: dict[str, str]) -> str | None:
    """``user@domain`` of the account replied to: a mention, or the author's own thread."""
    if not reply_account:
        return None
    if reply_account == str(account.get("id")):
        return account_id(account)
    return mentions.get(reply_account)


def _shared_links(body: dict, links: list[str]) -> list[str]:
    """The links a status shares: its card's and its content's, less the addresses the API lists as its mentions'
    and tags' (a profile or a tag page is not a shared link), each a whole web address."""
    own = {
        as_str(item.get("url"))
        for field in ("mentions", "tags")
        for item in body.get(field) or []
        if isinstance(item, dict)
    }
    return [link for link in map(web_address, links) if link and link not in own]


def post_from_status(status: dict, source: str = "") -> Post:
    """One status → Post. A boost becomes a repost of the boosted status."""
    account = require(status, "account")
    boosted = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    body = boosted or status
    text, links = html_to_text(as_str(body.get("content")))
    spoiler = as_str(body.get("spoiler_text"))
    if spoiler:
        text = f"[{spoiler}] {text}"
    card = body.get("card") if isinstance(body.get("card"), dict) else {}
    if card.get("url"):
        links = [card["url"], *links]
    links = _shared_links(body, links)
    mentions = _mention_ids(body)
    media = [m for m in body.get("media_attachments") or [] if isinstance(m, dict)]
    reply_account = str(body.get("in_reply_to_account_id") or "")
    host = _host(source) or source
    return Post(
        network=NETWORK,
        native_id=require_id(status, "uri"),
        uri=as_str(status.get("uri")),
        url=as_str(status.get("url") or body.get("url")),
        author_id=account_id(account),
        created_at=parse_time(status.get("created_at")),
        text=text,
        lang=as_str(body.get("language")),
        hashtags=[as_str(t.get("name")).casefold() for t in body.get("tags") or [] if isinstance(t, dict)],
        mentions=list(mentions.values()),
        links=list(dict.fromkeys(links)),
        media_count=len(media),
        media_urls=[as_str(m.get("preview_url") or m.get("url")) for m in media],
        media_alts=[as_str(m.get("description")) for m in media],
        reply_to=f"{host}/statuses/{body['in_reply_to_id']}" if body.get("in_reply_to_id") else None,
        reply_to_author=_reply_author(reply_account, account, mentions),
        repost_of=as_str(boosted.get("uri")) if boosted else None,
        quote_of=_quoted_uri(body),
        like_count=as_int(status.get("favourites_count")),
        repost_count=as_int(status.get("reblogs_count")),
        reply_count=as_int(status.get("replies_count")),
        quote_count=as_int(status.get("quotes_count")),
        source=source,
        local_id=str(status.get("id") or "")[:64],
    )


def normalise_statuses(statuses: list, source: str = "mastodon") -> Batch:
    """A timeline page → Batch; a bad status is rejected with its reason."""
    batch = Batch()
    if not isinstance(statuses, list):
        batch.rejected.append(f"mastodon page: expected a list, found {type(statuses).__name__}")
        return batch
    authors: dict[str, Author] = {}  # each account once a page: its profile (bio HTML and all) is read once
    for status in statuses:
        try:
            post = post_from_status(status, source)
            keyed = {post.author_id: status["account"]}
            if post.repost_of:
                keyed[account_id(status["reblog"]["account"])] = status["reblog"]["account"]
            authors.update({key: author_from_account(a) for key, a in keyed.items() if key not in authors})
            batch.posts.append(post)
        except PAYLOAD_ERRORS as exc:
            ident = status.get("id", "?") if isinstance(status, dict) else "?"
            batch.rejected.append(f"mastodon status {ident}: {exc}")
    batch.authors = list(authors.values())
    return batch
