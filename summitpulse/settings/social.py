"""Social accounts written the ways people write them, as ``network:handle``.

Speaker links in programme exports and handle columns in registration exports hold profile URLs
(``https://x.com/name``, ``https://bsky.app/profile/name.bsky.social``, ``https://scholar.social/@name``),
``@name``, ``@name@instance`` or a Bluesky domain handle. The result is what the programme's ``speakers`` and
the rosters hold: ``x:name``, ``bluesky:name.bsky.social``, ``mastodon:name@instance``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

NETWORKS = ("x", "bluesky", "mastodon")
X_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"}
BLUESKY_HOSTS = {"bsky.app", "staging.bsky.app", "main.bsky.dev"}
# Sites whose profile URLs look like a Mastodon instance's (https://host/@name) but are not one.
NOT_MASTODON = {
    "medium.com",
    "youtube.com",
    "m.youtube.com",
    "tiktok.com",
    "threads.net",
    "threads.com",
    "substack.com",
    "linktr.ee",
    "dev.to",
    "hashnode.com",
    "sessionize.com",
}
X_RESERVED = {"intent", "share", "home", "search", "hashtag", "i", "explore", "settings", "login", "signup", "messages"}
X_NAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
BLUESKY_HANDLE = re.compile(r"^(?=.{3,253}$)([a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+[a-z0-9_-]+$")  # the demo's have "_"
MASTODON_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
SEPARATORS = re.compile(r"[\s,;|]+|\s/\s")


def network_of_label(label: str) -> str | None:
    """The network a column header or link title names ("Twitter handle", "X", "Bluesky", "Mastodon"), if any."""
    text = label.casefold()
    if "twitter" in text or re.search(r"(^|[^a-z])x([^a-z]|$)", text):
        return "x"
    if "bluesky" in text or "bsky" in text:
        return "bluesky"
    if "mastodon" in text or "fediverse" in text:
        return "mastodon"
    return None


def accounts(text: str, network: str | None = None) -> list[str]:
    """Every account in ``text`` (one or several, however written), as ``network:handle``, first seen first."""
    found = (account(token, network) for token in SEPARATORS.split(str(text or "").strip()))
    return list(dict.fromkeys(a for a in found if a))


def account(token: str, network: str | None = None) -> str | None:
    """One account from a URL, ``@name``, ``@name@instance``, a domain handle or a DID; ``network`` is what the
    column or link says it is, when it says."""
    token = token.strip().strip("<>()[]\"'").rstrip(".")
    if not token:
        return None
    if ("/" in token and "." in token.split("/", 1)[0]) or token.casefold().startswith(("http://", "https://")):
        return _from_url(token, network)
    if token.casefold().startswith(("did:plc:", "did:web:")):
        return f"bluesky:{token.casefold()}" if network in (None, "bluesky") else None
    bare = token.lstrip("@")
    if "@" in bare:
        if token.startswith("@") or network == "mastodon":
            return _mastodon(*bare.split("@", 1))
        return None  # an e-mail address
    name = bare
    if network == "bluesky" or (network is None and name.casefold().endswith(".bsky.social")):
        return _bluesky(name)
    if network in (None, "x") and X_NAME.match(name) and (network == "x" or token.startswith("@")):
        return f"x:{name}"
    return None


def _from_url(url: str, network: str | None) -> str | None:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").casefold().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host in X_HOSTS:
        ok = path and X_NAME.match(path[0]) and path[0].casefold() not in X_RESERVED
        return f"x:{path[0]}" if ok else None
    if host in BLUESKY_HOSTS:
        return _bluesky(path[1]) if len(path) >= 2 and path[0] == "profile" else None
    if len(path) == 1 and path[0].startswith("@") and (network == "mastodon" or host not in NOT_MASTODON):
        return _mastodon(path[0][1:], host)
    if len(path) == 2 and path[0] == "users" and network == "mastodon":
        return _mastodon(path[1], host)
    return None


def _bluesky(name: str) -> str | None:
    name = name.lstrip("@").casefold()
    if name.startswith("did:"):
        return f"bluesky:{name}"
    if "." not in name:
        name = f"{name}.bsky.social"
    return f"bluesky:{name}" if BLUESKY_HANDLE.match(name) else None


def _mastodon(user: str, host: str) -> str | None:
    host = host.casefold()
    ok = MASTODON_USER.match(user) and DOMAIN.match(host)
    return f"mastodon:{user.casefold()}@{host}" if ok else None


def shown(network: str, handle: str) -> str:
    """A handle as every page shows it: ``@name`` on X and Mastodon (``@name@instance``), the domain handle on
    Bluesky; a missing one stays empty, an anonymised one (in parentheses) as it is."""
    handle = (handle or "").strip()
    if not handle or handle.startswith(("@", "(")) or network == "bluesky":
        return handle
    return f"@{handle}"
