"""In the room or remote: every participant labelled, with a score and the evidence behind it.

Each piece of evidence adds its configured weight (``config.participation``;
positive means in the room). An organiser's override wins outright. A score
inside ±threshold stays ``unknown``: weak evidence is not a guess.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, select

from ..normalise.folding import fold
from ..settings.config import Config, clean_tag
from ..settings.rosters import read_rosters  # noqa: F401 — the rules read rosters from settings (tests import it here)
from ..store import schema
from ..store.clock import local_time
from ..store.engine import dialect_insert, get_meta, wall_clock
from .geo import distance_km, geocode
from .identity import key, parse_key
from .rhythm import FarHome, explain, far_home, venue_offset
from .statements import StatementReader

p, a = schema.posts, schema.authors
NEAR_KM, FAR_KM = 60, 400
PLACE_BOX_KM = 100  # a place tag's box wider than this (a region, a country) says too little about the venue
# The venue's hours in which each greeting is natural, an hour either side allowed: [from, to), wrapping at midnight.
DAY_PARTS = {"morning": (3, 13), "afternoon": (11, 19), "evening": (16, 25), "night": (19, 29)}


@dataclass
class Evidence:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, weight: float, reason: str) -> None:
        if weight:
            self.score += weight
            self.reasons.append(f"{reason} ({weight:+.1f})")


def _greetings(greetings: dict[str, list[str]]) -> tuple[re.Pattern | None, dict[str, str]]:
    """A pattern finding a greeting at the start of a sentence, in casefolded text, and each greeting's part of day."""
    parts = {g.casefold().strip(): part for part, words in greetings.items() for g in words if g.strip()}
    if not parts:
        return None, parts
    return re.compile(
        r"(?:^|[.!?]\s)\s*(" + "|".join(map(re.escape, sorted(parts, key=len, reverse=True))) + r")\b"
    ), parts


def odd_greeting(hour: int, part: str) -> bool:
    """True when the venue's ``hour`` is outside ``part`` of the day (DAY_PARTS)."""
    start, end = DAY_PARTS[part]
    return not (start <= hour < end or start <= hour + 24 < end)


# A venue's first word that names no venue: its kind ("Palacio de Congresos"), never counted as a check-in alone.
VENUE_KINDS = {
    "palacio", "palais", "palau", "palazzo", "universidad", "universitat", "universite", "university", "universidade",
    "centre", "center", "centro", "hotel", "congress", "congreso", "convention", "messe", "paraninfo", "campus",
}  # fmt: skip


def venue_words(config: Config) -> list[str]:
    """Names only someone at the venue tends to write: the venue (and its first word, when that is neither the
    city's name nor a kind of venue) and the programme's rooms."""
    venue = config.event.venue
    first = venue.name.split()[0] if venue.name.split() else ""
    own = len(first) >= 5 and fold(first) not in {fold(venue.city), fold(venue.country), *VENUE_KINDS}
    return [venue.name, *([first] if own else []), *{s.room for s in config.programme.sessions if s.room}]


def new_facts(posts: int = 0, reposts: int = 0) -> dict:
    return {
        "posts": posts,
        "reposts": reposts,
        "checkin": 0,
        "remote": 0,
        "geo": [],
        "night": 0,
        "photos": 0,
        "clock": 0,
        "said_in": 0,
        "said_remote": 0,
        "place_in": 0,
        "place_out": 0,
        "replies_to": Counter(),
        "phrases": Counter(),
    }


SIGNAL_COLUMNS = (
    p.c.network,
    p.c.author_id,
    p.c.kind,
    p.c.text,
    p.c.created_ts,
    p.c.latitude,
    p.c.longitude,
    p.c.media_count,
    p.c.reply_to_author,
)


class Signals:
    """What one post says about where its author is: check-in or remote words, a geotag, night, a session photo,
    a greeting for another time of day than the venue's."""

    def __init__(self, config: Config):
        w = config.participation
        self.told = [  # the people's own tags: their own evidence (said_in, said_remote), read before any wording
            (side, re.compile(rf"#{re.escape(clean_tag(tag))}(?!\w)"))
            for side, tag in (("said_remote", w.remote_tag), ("said_in", w.in_room_tag))
            if tag
        ]
        where = [*(f"#{t}" for t in config.hashtags.all), config.event.venue.city]
        self.reader = StatementReader(w.checkin_phrases, w.remote_phrases, venue_words(config), where)
        self.greeting, self.parts = _greetings(w.greetings)
        self.starts, self.ends = _union(
            [(s.start.timestamp(), s.end.timestamp()) for s in config.programme.sessions if s.kind != "break"]
        )
        self.tz, self.hours = config.event.tz, {}
        self.venue = config.event.venue
        self.during = (config.event.start.timestamp() - 3600, config.event.end.timestamp() + 3600)

    def place(self, r) -> dict:
        """What a post's place tag says during the event: its box holds the venue (and is no wider than a city's
        region), or it lies far from it. A place tag names an area: its centre is no point the author was at."""
        box = _box(getattr(r, "place_box", ""))
        if not box or not self.during[0] <= r.created_ts <= self.during[1]:
            return {}
        west, south, east, north = box
        lat, lon = self.venue.latitude, self.venue.longitude
        if south <= lat <= north and west <= lon <= east:
            if distance_km(south, west, north, east) <= PLACE_BOX_KM:
                return {"place_in": 1, "place_in_name": r.place or "a place"}
            return {}
        nearest = distance_km(min(max(lat, south), north), min(max(lon, west), east), lat, lon)
        return {"place_out": 1, "place_out_name": r.place or "a place"} if nearest > FAR_KM else {}

    def local_hour(self, ts: int) -> int:
        """The venue's hour at ``ts``, looked up per quarter hour (every UTC offset is a multiple of 15 min)."""
        quarter = ts // 900
        if quarter not in self.hours:
            self.hours[quarter] = local_time(quarter * 900, self.tz).hour
        return self.hours[quarter]

    def of(self, r) -> dict[str, int]:
        """Counter increments for post row ``r`` (a row of SIGNAL_COLUMNS); reposts say nothing."""
        if r.kind == "repost":
            return {}
        text, at = r.text.casefold(), bisect_right(self.starts, r.created_ts) - 1
        in_session = at >= 0 and r.created_ts < self.ends[at]
        told = next((side for side, tag in self.told if tag.search(text)), "")
        # the stored folding, when the row has it
        said = ("", "") if told else self.said(getattr(r, "text_folded", None) or r.text)
        hour = self.local_hour(r.created_ts)
        greeting = self.greeting and self.greeting.search(text)
        odd = bool(greeting) and odd_greeting(hour, self.parts[greeting.group(1)])
        return {
            "checkin": int(said[0] == "in"),
            "remote": int(said[0] == "out"),
            "night": int(hour < 6),
            "clock": int(odd),
            **({"clock_phrase": f'"{greeting.group(1)}" at {hour:02d}h'} if odd else {}),
            "photos": int(bool(r.media_count) and in_session),
            **({told: 1} if told else {}),
            **({"phrase": said} if said[0] else {}),
            **({"reply_to": r.reply_to_author} if r.kind == "reply" and r.reply_to_author and in_session else {}),
            **self.place(r),
        }

    def said(self, text: str) -> tuple[str, str]:
        """("in" or "out", the words that said it) when the post says where its author is (``statements``), else
        ("", "")."""
        reading = self.reader.read(text)
        return reading.side, reading.words


def _box(text: str) -> tuple[float, ...] | None:
    """A stored place box ("west,south,east,north") as numbers, or None."""
    parts = text.split(",") if text else []
    return tuple(map(float, parts)) if len(parts) == 4 else None


def _union(spans: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Overlapping [start, end) spans merged: their starts and ends, sorted (for ``bisect``)."""
    starts: list[float] = []
    ends: list[float] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def add_signals(f: dict, r, signals: dict[str, int], sign: int = 1) -> None:
    """Add (or, with ``sign=-1``, take back) one post's signals to its author's facts."""
    for name, value in signals.items():
        if name == "reply_to":  # a reply during a session: to whom
            f["replies_to"][value] += sign
        elif name == "phrase":  # what the post said: ("in" or "out", the words)
            f["phrases"][value] += sign
        elif name == "clock_phrase":  # a greeting at an odd hour for the venue, as quoted
            f["phrases"][("clock", value)] += sign
        elif name in ("place_in_name", "place_out_name"):  # the place tag's name, as quoted
            f["phrases"][(name.removesuffix("_name"), value)] += sign
        else:
            f[name] += sign * value
    if r.kind != "repost" and r.latitude is not None:
        point = (r.latitude, r.longitude, r.created_ts)
        if sign > 0:
            f["geo"].append(point)
        elif point in f["geo"]:
            f["geo"].remove(point)


def _judge(config: Config, f: dict, rosters: dict, known_in_room) -> Evidence:
    """The evidence of one person's merged facts (``merge_facts``)."""
    w, ev = config.participation, Evidence()
    on_roster = _rostered(f, rosters)
    if "in_room" in on_roster:
        ev.add(w.roster, "registered to attend in person")
    if "remote" in on_roster:
        ev.add(-w.roster, "registered as a remote attendee")
    geotag = _geotagged(config, f)
    if geotag == "in_room":
        ev.add(w.geotag_in_venue, "a post geotagged at the venue during the event")
    elif geotag == "remote":
        ev.add(w.geotag_far, "a post geotagged far from the venue during the event")
    _told_evidence(config, f, ev)
    _phrase_evidence(config, f, ev)
    if not (f["checkin"] or f["remote"] or f["said_in"] or f["said_remote"]):
        _profile_evidence(config, f.get("location") or "", ev)
    if f["clock"]:
        ev.add(
            w.other_time_zone,
            f"{f['clock']} greeting{'s' if f['clock'] > 1 else ''} for another time of day "
            f"than the venue's ({_quoted(f, 'clock')} venue time): written from another time zone",
        )
    for side, weight, what in (
        ("place_in", w.place_with_venue, "tagged with a place whose box holds the venue"),
        ("place_out", w.place_far, "tagged with a place far from the venue"),
    ):
        if f[side]:
            ev.add(weight, f"{f[side]} post{'s' if f[side] > 1 else ''} {what} ({_quoted(f, side)})")
    if f["night"] >= 2:
        ev.add(w.night_posting, f"{f['night']} posts during the venue's night (00:00–06:00 local)")
    if f["photos"]:  # on real archives, 93 % of people with two such posts were in the room (bench/participation.py)
        ev.add(
            w.session_photo * (1.5 if f["photos"] > 1 else 1),
            f"{f['photos']} photo post{'s' if f['photos'] > 1 else ''} during sessions",
        )
    own = {account for account, _ in f["accounts"]}
    replies = sum(n for target, n in f["replies_to"].items() if n > 0 and target not in own and known_in_room(target))
    if replies:
        ev.add(
            w.reply_to_in_room,
            f"{replies} repl{'ies' if replies > 1 else 'y'} during sessions to people known to be in the room",
        )
    if f["posts"] >= 2 and f["reposts"] == f["posts"]:
        ev.add(w.repost_only, f"only reposts ({f['posts']}), as remote followers tend to")
    _rhythm_evidence(config, f, ev)
    if len(f["accounts"]) > 1:
        ev.reasons.append(
            f"one person on {len(f['accounts'])} accounts: " + ", ".join(f"{n}:@{h}" for (n, _), h in f["accounts"])
        )
    return ev


def home_far(config: Config, f: dict) -> FarHome | None:
    """The person's home zone, from their posting rhythm before the event, far from the venue's and kept during
    the event (``rhythm.far_home``), or None; needs their author feed (``rhythms``)."""
    if not f.get("rhythm"):
        return None
    event = config.event
    return far_home(f["rhythm"], f.get("event_hours") or [0] * 24, venue_offset(event.tz, event.start, event.end))


def _rhythm_evidence(config: Config, f: dict, ev: Evidence) -> None:
    """A home zone far away, kept through the event: remote, unless the other evidence already places the person
    in the room (then they travelled, and it is said without weight)."""
    found = home_far(config, f)
    if found is None:
        return
    if ev.score >= config.participation.threshold:
        ev.reasons.append(f"{explain(found)}; but other evidence places them in the room: travelled")
    else:
        ev.add(config.participation.home_zone_far, explain(found))


def _rostered(f: dict, rosters: dict) -> set[str]:
    """The rosters ("in_room", "remote") naming one of the person's accounts."""
    ids = {(n, name) for (n, author_id), handle in f["accounts"] for name in (handle, author_id.casefold())}
    return {label for label in ("in_room", "remote") if ids & rosters[label]}


def _geotagged(config: Config, f: dict) -> str:
    """ "in_room" for a post geotagged at the venue during the event, else "remote" for one far from it, else ""."""
    venue = config.event.venue
    start, end = config.event.start.timestamp(), config.event.end.timestamp()
    km = [
        distance_km(lat, lon, venue.latitude, venue.longitude)
        for lat, lon, ts in f["geo"]
        if start - 3600 <= ts <= end + 3600
    ]
    return "in_room" if any(d <= venue.radius_km for d in km) else "remote" if any(d > FAR_KM for d in km) else ""


NO_ROSTERS = {"in_room": frozenset(), "remote": frozenset()}


def weak_evidence(config: Config, f: dict) -> Evidence:
    """The rules' evidence without the strong kinds (rosters, the person's own tags, geotags, a place box holding
    the venue): what places the event model's other seeds."""
    strong = {"said_in": 0, "said_remote": 0, "geo": [], "place_in": 0}
    return _judge(config, {**f, **strong}, NO_ROSTERS, lambda target: False)


def profile_distance(config: Config, location: str) -> int:
    """1 when a profile's location is near the venue, -1 when far, 0 when neither or unknown."""
    ev = Evidence()
    _profile_evidence(config, location, ev)
    return (ev.score > 0) - (ev.score < 0)


def strong_evidence(config: Config, f: dict, rosters: dict) -> str:
    """Where a person's strong evidence alone places them — a roster, their own tag, a geotag, a place box holding
    the venue — or "" (none, or contradicting): the people the event model learns from."""
    said = "in_room" if f["said_in"] > f["said_remote"] else "remote" if f["said_remote"] > f["said_in"] else ""
    place = {"in_room"} if f["place_in"] > 0 else set()
    sides = _rostered(f, rosters) | ({said} - {""}) | ({_geotagged(config, f)} - {""}) | place
    return sides.pop() if len(sides) == 1 else ""


COUNTS = (
    "posts",
    "reposts",
    "checkin",
    "remote",
    "night",
    "photos",
    "clock",
    "said_in",
    "said_remote",
    "place_in",
    "place_out",
)


def merge_facts(accounts: list[tuple[tuple[str, str], dict]]) -> dict:
    """One person's facts from their accounts' facts (the person's own account first): counts add up,
    the profile is the first account's (a location from the next ones when it has none)."""
    out = {**new_facts(), "accounts": []}
    for account, f in accounts:
        for name in COUNTS:
            out[name] += f[name]
        out["geo"] = out["geo"] + f["geo"]
        out["replies_to"].update({(account[0], target): n for target, n in f["replies_to"].items()})
        out["phrases"].update(f["phrases"])
        out["accounts"].append((account, (f.get("handle") or account[1]).lstrip("@").casefold()))
        for name in ("handle", "name", "location"):
            out[name] = out.get(name) or f.get(name) or ""
        for name in ("rhythm", "event_hours"):  # hour-of-day histograms: every account's posts together
            if f.get(name):
                out[name] = [a + b for a, b in zip(out.get(name) or [0] * 24, f[name])]
    return out


def _told_evidence(config: Config, f: dict, ev: Evidence) -> None:
    """The person said where they are, with the event's in-room or remote tag."""
    w = config.participation
    for side, sign, tag, where in (
        ("said_in", 1, w.in_room_tag, "in the room"),
        ("said_remote", -1, w.remote_tag, "remote"),
    ):
        if f[side]:
            n = f[side]
            ev.add(
                sign * w.self_report,
                f"said so: {n} post{'s' if n > 1 else ''} tagged #{clean_tag(tag or '')} ({where})",
            )


def _phrase_evidence(config: Config, f: dict, ev: Evidence) -> None:
    w = config.participation
    for side, hits, weight, what in (
        ("in", f["checkin"], w.checkin_phrase, "check-in"),
        ("out", f["remote"], w.remote_phrase, "remote"),
    ):
        if hits:
            ev.add(
                weight * (1.5 if hits > 1 else 1), f"{hits} {what} post{'s' if hits > 1 else ''} ({_quoted(f, side)})"
            )


def _quoted(f: dict, side: str) -> str:
    """The three phrases of ``side`` ("in", "out", "place_in", "place_out"; "clock" comes quoted) said most often,
    quoted."""
    words = sorted(
        (phrase for (s, phrase), n in f["phrases"].items() if s == side and n > 0),
        key=lambda phrase: -f["phrases"][(side, phrase)],
    )[:3]
    return ", ".join(phrase if side == "clock" else f'"{phrase}"' for phrase in words)


def _profile_evidence(config: Config, location: str, ev: Evidence) -> None:
    place = geocode(location)
    if place is None:
        return
    venue = config.event.venue
    km = distance_km(place.latitude, place.longitude, venue.latitude, venue.longitude)
    if km <= NEAR_KM:
        ev.add(config.participation.profile_near, f"profile location '{location}' is {km:.0f} km from the venue")
    elif km >= FAR_KM:
        ev.add(config.participation.profile_far, f"profile location '{location}' is {km:,.0f} km away")


def read_overrides(conn: Connection) -> dict[str, tuple[str, str]]:
    t = schema.participant_overrides
    return {r.person: (r.label, r.reason) for r in conn.execute(select(t))}


def label_of(score: float, threshold: float) -> str:
    return "in_room" if score >= threshold else "remote" if score <= -threshold else "unknown"


COLUMNS = ["person", "network", "handle", "name", "posts", "label", "score", "confidence", "reasons", "accounts"]


def in_room_by_record(rosters: dict, overrides: dict, account: tuple[str, str], handle: str) -> bool:
    """Known to be in the room without inference: registered in person, or an organiser said so."""
    label = overrides.get(key(account), ("",))[0]
    names = {(account[0], handle.lstrip("@").casefold()), (account[0], account[1].casefold())}
    return label == "in_room" or (label != "remote" and bool(names & rosters["in_room"]))


def judge_person(
    config: Config,
    person: tuple[str, str],
    accounts: list[tuple[tuple[str, str], dict]],
    rosters: dict,
    overrides: dict,
    handle_of,
    accounts_of=lambda account: [account],
    learnt: tuple[float, list[str]] | None = None,
) -> dict:
    """The row of one participant — one person's accounts and their facts, the person's own first — with
    label, score, confidence and the reasons, an organiser's override (on any of the accounts) winning.

    ``handle_of`` gives the handle of a (network, author_id), for the people this one replied to, and
    ``accounts_of`` every account of the person behind one: a reply to someone counts when any of their
    accounts is registered in person or overridden to the room. ``learnt`` is the event model's verdict
    (probability in the room, what moved it most): it decides for a person without strong evidence."""
    f = merge_facts(accounts)
    ev = _judge(
        config,
        f,
        rosters,
        lambda target: any(
            in_room_by_record(rosters, overrides, account, handle_of(account) or "") for account in accounts_of(target)
        ),
    )
    label = label_of(ev.score, config.participation.threshold)
    confidence = round(1 - math.exp(-abs(ev.score) / 2.5), 2)
    if learnt and not strong_evidence(config, f, rosters):
        label, confidence = _learnt_label(config, learnt, ev)
    override = next((overrides[key(a)] for a, _ in f["accounts"] if key(a) in overrides), None)
    if override:
        label, reason = override
        ev.reasons.insert(0, f"organiser override: {label}" + (f" — {reason}" if reason else ""))
    return {
        "person": key(person),
        "network": person[0],
        "handle": f["handle"] or person[1],
        "name": f["name"],
        "posts": f["posts"],
        "label": label,
        "score": round(ev.score, 2),
        "confidence": 1.0 if override else confidence,
        "reasons": ev.reasons or ["no evidence either way"],
        "accounts": [f"{n}:@{h}" for (n, _), h in f["accounts"]],
    }


def _learnt_label(config: Config, learnt: tuple[float, list[str]], ev: Evidence) -> tuple[str, float]:
    """The event model's label and confidence when it is sure (else the rules'); what moved it most goes first
    among the reasons."""
    p_in, moved = learnt
    t = config.participation.model.threshold
    if 1 - t < p_in < t:
        rules = label_of(ev.score, config.participation.threshold)
        ev.reasons.append(f"the event's model is unsure ({p_in:.0%} likely in the room): the rules decide")
        return rules, round(1 - math.exp(-abs(ev.score) / 2.5), 2)
    label = "in_room" if p_in >= t else "remote"
    ev.reasons.insert(
        0,
        f"learnt from this event's placed people: {p_in:.0%} likely in the room"
        + (f" — moved most by {'; '.join(moved)}" if moved else ""),
    )
    return label, round(max(p_in, 1 - p_in), 2)


def classify(conn: Connection, config: Config) -> pd.DataFrame:
    """One row per participant (COLUMNS) under ``config``'s settings: the store's judgements (``people``) when they
    were made under them, otherwise judged from the posts now (``figures.rebuild.compute``; nothing is written)."""
    from ..figures.counting import Counting  # the figures build on these rules
    from ..figures.rebuild import compute
    from ..figures.upkeep import FINGERPRINT_KEY
    from .people import stored

    counting = Counting(config)
    if get_meta(conn, FINGERPRINT_KEY) == counting.fingerprint:
        return stored(conn)
    return pd.DataFrame([row for _, row in sorted(compute(conn, counting).people.items()) if row], columns=COLUMNS)


def set_override(conn: Connection, person: str, label: str, reason: str = "") -> None:
    """Store an organiser's decision; it wins over every other piece of evidence."""
    if label not in ("in_room", "remote", "unknown"):
        raise ValueError(f"label must be in_room, remote or unknown, not {label!r}")
    stmt = dialect_insert(conn, schema.participant_overrides).values(
        person=person, label=label, reason=reason, ts=wall_clock()
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["person"], set_={"label": label, "reason": reason, "ts": wall_clock()}
        )
    )
    from ..figures import upkeep  # the person, and whoever replied to them, judged again at once

    upkeep.mark_stale(conn, upkeep.accounts_of_person(conn, parse_key(person)), dependents=True)
    upkeep.judge_stale(conn)
