"""The event's configuration: one validated ``config.yaml`` per event.

Secrets never live here; ``secrets.py`` reads them from the environment.
A malformed file, or a file it names that cannot be used, raises
:class:`ConfigError` whose message names the field path, what was found and
what is expected.
"""

from __future__ import annotations

import mimetypes
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import database
from .database import (
    DATABASE_URL_ENV,
    DEFAULT_DATABASE_URL,
    DEFAULT_DEMO_DATABASE_URL,
    DEMO_DATABASE_URL_ENV,
    redact_url,
)
from .errors import ConfigError
from .programme_files import programme_sessions
from .rosters import REMOTE_TICKETS, read_rosters
from .safe_yaml import load_yaml

__all__ = ["Config", "ConfigError", "DATABASE_URL_ENV", "DEFAULT_DATABASE_URL", "load_config", "parse_config"]
CONFIG_LIMIT_BYTES = 2**20  # a config is a few kilobytes; anything near this is not one


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _local(path: str) -> str:
    if "://" in path:
        raise ValueError("the path of a file on this machine (download it first: files are read, not URLs)")
    return path


FilePath = Annotated[str, AfterValidator(_local)]  # a file the config names, relative to the config's folder


class Venue(_Model):
    name: str
    city: str = ""
    country: str = ""
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_km: float = Field(default=1.0, gt=0)


class Event(_Model):
    name: str
    timezone: str = "UTC"
    start: datetime
    end: datetime
    venue: Venue

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'America/Toronto'") from None
        return value

    @model_validator(mode="after")
    def _ordered(self):
        _check_times(self.start, self.end, "end must be after start")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def clean_tag(tag: str) -> str:
    """``#ICRE2014`` and ``icre2014`` are the same tag: strip ``#``, casefold."""
    return tag.strip().lstrip("#").casefold()


class Hashtags(_Model):
    primary: str
    aliases: list[str] = []

    @field_validator("primary")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not clean_tag(value):
            raise ValueError("the primary hashtag is empty; write it like '#SoMeSummit'")
        return value

    @property
    def all(self) -> list[str]:
        """Every event tag, cleaned, primary first, without repeats."""
        return list(dict.fromkeys(clean_tag(t) for t in [self.primary, *self.aliases] if clean_tag(t)))


class NetworkBase(_Model):
    enabled: bool = True
    poll_seconds: int = Field(default=10, ge=5)  # a post on the live screen within ~15 s (issue #17's goal)
    base_url: str | None = None


class XNetwork(NetworkBase):
    """X bills each post (and user) a search or look-up returns: pay-per-use, the default since February 2026."""

    budget_usd: float = Field(default=20.0, gt=0)  # X collection stops before its estimated spend passes this
    post_read_usd: float = Field(default=0.005, ge=0)  # docs.x.com/x-api/getting-started/pricing: "Posts: Read"
    user_read_usd: float = Field(default=0.010, ge=0)  # "User: Read": the authors each page expands


class MastodonNetwork(NetworkBase):
    instances: list[str] = ["https://mastodon.social"]
    author_feeds: bool = True  # read posters' statuses before the event: home time zones (collectors/rhythms.py)


class BlueskyNetwork(NetworkBase):
    sweep_minutes: float = Field(default=10, ge=0)  # how often search re-reads the last day (clocks a day slow)
    jetstream: bool = False
    author_feeds: bool = True  # read posters' feeds before the event: home time zones (collectors/rhythms.py)
    jetstream_url: str = "wss://jetstream2.us-east.bsky.network/subscribe"


class Networks(_Model):
    x: XNetwork = XNetwork(enabled=False)
    mastodon: MastodonNetwork = MastodonNetwork(enabled=False)
    bluesky: BlueskyNetwork = BlueskyNetwork(enabled=False)


def _check_times(start: datetime, end: datetime, order: str) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end need a UTC offset, e.g. 2014-10-22T08:00:00-04:00")
    if end <= start:
        raise ValueError(f"{order}: it ends at {end.isoformat()}, not after it starts at {start.isoformat()}")


class Theme(_Model):
    name: str = Field(min_length=1)
    description: str = ""
    keywords: list[str] = []
    hashtags: list[str] = []


class Session(_Model):
    title: str
    start: datetime
    end: datetime
    room: str = ""
    theme: str | None = None
    hashtag: str | None = None
    speakers: list[str] = []
    kind: str = "session"

    @model_validator(mode="after")
    def _ordered(self):
        _check_times(self.start, self.end, "a session must end after it starts (check the date and the UTC offset)")
        return self


class Programme(_Model):
    sessions: list[Session] = []
    ics: FilePath | None = None
    sessionize: FilePath | None = None
    pretalx: FilePath | None = None


class Registration(_Model):
    """A registration system's export of attendees (see ``rosters.py``)."""

    file: FilePath
    format: Literal["csv", "eventbrite", "whova"] = "csv"
    handle_columns: list[str] = []
    checked_in_column: str | None = None
    ticket_column: str | None = None
    remote_tickets: list[str] = REMOTE_TICKETS


class Participants(_Model):
    in_room_roster: FilePath | None = None
    remote_roster: FilePath | None = None
    registrations: list[Registration] = []
    identity_links: list[list[str]] = []
    opt_out: list[str] = []
    opt_out_tag: str | None = None


class Moderation(_Model):
    mode: Literal["post", "pre"] = "post"
    profanity_filter: bool = True
    blocked_terms: list[str] = []
    blocked_accounts: list[str] = []
    trusted_accounts: list[str] = []


class EventModel(_Model):
    """The model each event learns from its own people placed by strong evidence (``figures.event_model``)."""

    enabled: bool = True
    threshold: float = Field(default=0.8, gt=0.5, lt=1)  # the probability a label needs; below it, unknown
    min_seeds: int = Field(default=10, ge=3)  # people placed by strong evidence needed on each side to learn
    seed_score: float = Field(default=3.0, gt=0)  # a rules' score beyond ± this places a person for learning too
    min_push: float = Field(default=1.0, ge=0)  # the log-odds a person's own evidence must move for a verdict
    every_minutes: int = Field(default=10, ge=1)  # how often `collect` learns again


class Evidence(_Model):
    """Weights of the in-room/remote evidence; positive means in the room."""

    override: float = 10.0
    roster: float = 4.0
    geotag_in_venue: float = 3.0
    geotag_far: float = -2.0
    checkin_phrase: float = 2.0
    remote_phrase: float = -2.5
    profile_near: float = 0.7
    profile_far: float = -0.9
    night_posting: float = -1.0
    session_photo: float = 1.0
    reply_to_in_room: float = 0.5
    repost_only: float = -0.8
    other_time_zone: float = -1.5
    home_zone_far: float = -1.5  # a home zone (posting rhythm before the event) ≥ 5 h from the venue's, kept during it
    self_report: float = 5.0  # a post carrying in_room_tag (positive) or remote_tag (negative): the person said so
    place_with_venue: float = 2.0  # an X place tag whose box (a city's, at most) holds the venue, during the event
    place_far: float = -0.5  # a place tag far from the venue: people leave stale ones set, so it weighs less
    threshold: float = 1.5
    # Phrases match at the start of a word, case aside; a post with a remote phrase is not a check-in
    # ("sad I couldn't be here at..."). The venue's name and the programme's rooms are check-in words too.
    checkin_phrases: list[str] = [
        "here at",
        "in the room",
        "great to be at",
        "live from",
        "just arrived",
        "made it to",
        "packed room",
        "full house",
        "standing room",
        "front row",
        "back row",
        "on stage",
        "at the mic",
        "mic check",
        "in person",
        "the whole room",
        "in the audience",
        # meeting people face to face
        "sitting next to",
        "sat next to",
        "next to me",
        "ran into",
        "bumped into",
        "great to meet",
        "nice to meet",
        "lovely to meet",
        "finally met",
        "met in person",
        "ici à",
        "en direct de",
        "dans la salle",
        "salle comble",
        "sur place",
        "à côté de",
        "assis à côté",
        "assise à côté",
        "enfin rencontré",
    ]
    remote_phrases: list[str] = [
        "stream",
        "tuning in",
        "webcast",
        "replay",
        "virtually",
        "catching up on",
        "from afar",
        "from home",
        "wish i were there",
        "wish i was there",
        "wish i could",
        "fomo",
        "can't make it",
        "en ligne",
        "à distance",
        "de chez moi",
        "en différé",
    ]
    # Greeting a part of the day the venue is not in ("Good evening from Athens" at 13:50 there) is written from
    # another time zone. Only greetings: "this morning in the keynote", said in the afternoon, is no evidence.
    greetings: dict[Literal["morning", "afternoon", "evening", "night"], list[str]] = {
        "morning": [
            "good morning",
            "morning from",
            "morning here",
            "bon matin",
            "buenos días",
            "guten morgen",
            "bom dia",
        ],
        "afternoon": ["good afternoon", "afternoon from", "afternoon here", "buenas tardes", "boa tarde"],
        "evening": ["good evening", "evening from", "evening in", "evening here", "bonsoir", "guten abend"],
        "night": ["good night", "night from", "night here", "bonne nuit", "buenas noches", "boa noite"],
    }
    # The tags people add to say where they are (the live screen's "Say so" and the theme page's button pre-fill
    # them); the strongest evidence after a roster.
    in_room_tag: str | None = None
    remote_tag: str | None = None
    model: EventModel = EventModel()

    @field_validator("in_room_tag", "remote_tag")
    @classmethod
    def _one_word_tag(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"#?\w+", value.strip()):
            raise ValueError("a hashtag of letters, digits and underscores (such as '#SummitLive'), or leave it out")
        return value

    @model_validator(mode="after")
    def _distinct_tags(self):
        if self.in_room_tag and self.remote_tag and clean_tag(self.in_room_tag) == clean_tag(self.remote_tag):
            raise ValueError("remote_tag must differ from in_room_tag: one says in the room, the other remote")
        return self


class Stakeholders(_Model):
    """Keyword rules per stakeholder group, matched in profile descriptions and names (any language)."""

    rules: dict[str, list[str]] = {
        "clinician": [
            "physician",
            "doctor",
            "md",
            "consultant",
            "internist",
            "paediatrician",
            "pediatrician",
            "surgeon",
            "anaesthetist",
            "anesthesiologist",
            "family doctor",
            "emergency physician",
            "médecin",
        ],
        "trainee": [
            "resident",
            "pgy",
            "medical student",
            "trainee",
            "fellow",
            "registrar",
            "intern",
            "étudiant",
            "étudiante",
            "résident",
            "résidente",
            "chief resident",
        ],
        "nurse_allied": [
            "nurse",
            "nursing",
            "rn",
            "pharmacist",
            "physiotherapist",
            "paramedic",
            "midwife",
            "occupational therapist",
            "infirmière",
            "infirmier",
            "allied health",
        ],
        "educator": [
            "education",
            "educator",
            "professor",
            "researcher",
            "phd",
            "dean",
            "curriculum",
            "learning scientist",
            "pédagogie",
            "chercheur",
            "chercheuse",
        ],
        "patient": ["patient", "caregiver", "carer", "advocate", "living with", "patiente", "proche aidant"],
        "organisation": [
            "official account",
            "journal",
            "college",
            "association",
            "society",
            "programme news",
            "university",
            "compte officiel",
            "revue",
        ],
    }


class Dashboard(_Model):
    refresh_seconds: int = Field(default=5, ge=1, le=3600)
    title: str = "Summit Pulse"
    accent_color: str = "#0f766e"
    logo: FilePath | None = None  # an image on this machine: the report carries it inline, never fetches it
    public_url: str | None = None  # the dashboard's public address: the live screen's QR code and short link use it
    editions: list[FilePath] = []  # other editions' report data folders, offered on the Report page to compare with

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value.strip()):
            raise ValueError("the dashboard's address as people reach it, such as 'https://pulse.example.org'")
        return value.strip().rstrip("/") if value else value


class AlertRule(_Model):
    enabled: bool = True


class SpikeRule(AlertRule):
    factor: float = Field(default=3.0, gt=1)  # posts in 15 minutes >= factor × the day's 15-minute average
    min_posts: int = Field(default=20, ge=1)  # and at least this many (a quiet morning's 3 posts are no spike)


class MinutesRule(AlertRule):
    minutes: int = Field(default=10, ge=1)


class BudgetRule(AlertRule):
    share: float = Field(default=0.8, gt=0, le=1)  # X spend at this share of the budget


class QuietHours(_Model):
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")  # HH:MM, the event's time zone
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class Alerts(_Model):
    """Messages to organisers (channels are secrets: SUMMITPULSE_ALERT_URLS); every rule can be switched off."""

    enabled: bool = True
    every_seconds: int = Field(default=60, ge=5)
    base_url: str = "http://localhost:8501"  # the dashboard's public address: each message links to a page of it
    cooldown_minutes: int = Field(default=30, ge=0)
    quiet_hours: QuietHours | None = None
    spike: SpikeRule = SpikeRule()
    pending: MinutesRule = MinutesRule(minutes=10)
    flagged: AlertRule = AlertRule()
    collector: AlertRule = AlertRule()
    x_budget: BudgetRule = BudgetRule()
    screen: MinutesRule = MinutesRule(minutes=5)

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// address, e.g. https://pulse.example.org")
        if "@" in value.split("//", 1)[1].split("/", 1)[0]:
            raise ValueError("an address without a user or password (messages show it)")
        return value.rstrip("/")


def _url_without_password(value: str, env: str) -> str:
    url = database.normalise(value)
    if database.has_password(url):
        raise ValueError(f"a password in the URL is a secret; put the URL in ${env} instead")
    return url


class DemoSettings(_Model):
    """How the bundled demo simulates an edition (the second, ICRE 2015, differs from the first)."""

    seed: int = 2014
    posts: int = Field(default=3600, ge=100, le=1_000_000)
    newcomers: int = Field(default=0, ge=0, le=10_000)  # people beyond the first edition's cast of 350
    returning: float = Field(default=1.0, gt=0, le=1)  # share of the first edition's cast who post again
    networks: dict[Literal["x", "mastodon", "bluesky"], float] = {"x": 50, "mastodon": 25, "bluesky": 25}
    database_url: str = DEFAULT_DEMO_DATABASE_URL  # the demo's own store, never the event's

    @field_validator("database_url")
    @classmethod
    def _usable_url(cls, value: str) -> str:
        return _url_without_password(value, DEMO_DATABASE_URL_ENV)


class Config(_Model):
    event: Event
    hashtags: Hashtags
    networks: Networks = Networks()
    themes: list[Theme] = []
    programme: Programme = Programme()
    participants: Participants = Participants()
    moderation: Moderation = Moderation()
    participation: Evidence = Evidence()
    stakeholders: Stakeholders = Stakeholders()
    database_url: str = DEFAULT_DATABASE_URL
    dashboard: Dashboard = Dashboard()
    alerts: Alerts = Alerts()
    demo: DemoSettings = DemoSettings()
    base_dir: str = Field(default=".", exclude=True)

    @field_validator("database_url")
    @classmethod
    def _usable_url(cls, value: str) -> str:
        return _url_without_password(value, DATABASE_URL_ENV)

    @property
    def effective_database_url(self) -> str:
        """The store's URL: the environment's wins over the file's, so secrets stay out of it; a relative SQLite
        path in the file starts at the config's folder. ConfigError when it cannot be used."""
        return database.store_url(self.database_url, self.base_dir)

    @property
    def demo_database_url(self) -> str:
        """The demo's own store, read as ``effective_database_url`` is, from $SUMMITPULSE_DEMO_DATABASE_URL or
        ``demo.database_url``."""
        return database.store_url(self.demo.database_url, self.base_dir, DEMO_DATABASE_URL_ENV, "demo.database_url")

    def path(self, relative: str) -> Path:
        """A path named in the config, relative to the config file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(top level)"
    found = error.get("input")
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{where}: missing; this field is required"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown field; check its spelling against the README's configuration reference"
    if isinstance(found, dict):
        title = f" ({str(found['title'])[:60]!r})" if isinstance(found.get("title"), str) else ""
        return f"{where}{title}: {msg}"
    shown = redact_url(repr(found))
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{where}: found {shown}; expected {msg}"


def _conflicts(config: Config) -> list[str]:
    """What each field allows alone but the config as a whole does not: themes sharing a name, sessions
    naming a theme that does not exist."""
    problems, first = [], {}
    for i, theme in enumerate(config.themes):
        key = theme.name.strip().casefold()
        if key in first:
            problems.append(
                f"themes.{i}.name: found {theme.name!r}, the name of themes.{first[key]} too; expected a name of its "
                "own (or one theme with both lists of keywords and hashtags)"
            )
        first.setdefault(key, i)
    names = ", ".join(repr(t.name) for t in config.themes) or "none: add themes first"
    for i, session in enumerate(config.programme.sessions):
        if session.theme is not None and session.theme.strip().casefold() not in first:
            problems.append(f"programme.sessions.{i}.theme: found {session.theme!r}; expected a theme's name ({names})")
    event_tags = {clean_tag(t) for t in (config.hashtags.primary, *config.hashtags.aliases)}
    for name in ("in_room_tag", "remote_tag"):
        tag = getattr(config.participation, name)
        if tag and clean_tag(tag) in event_tags:
            problems.append(
                f"participation.{name}: found {tag!r}, one of the event's hashtags; expected a tag of its own "
                "(every post carries the event's)"
            )
    return problems + _logo_problems(config)


LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
LOGO_LIMIT_BYTES = 2 * 2**20  # carried inside the report: a logo, not a photograph


def _logo_problems(config: Config) -> list[str]:
    """``dashboard.logo`` must be an image file the report can carry inline."""
    logo = config.dashboard.logo
    if logo is None:
        return []
    path, kind = config.path(logo), mimetypes.guess_type(logo)[0]
    expected = "expected a PNG, JPEG, GIF, SVG or WebP file on this machine (a path relative to the config's folder)"
    if kind not in LOGO_TYPES:
        return [f"dashboard.logo: found {logo!r}, not an image by its name; {expected}"]
    if not path.is_file():
        return [f"dashboard.logo: found {logo!r}, no such file at {path}; {expected}"]
    if path.stat().st_size > LOGO_LIMIT_BYTES:
        return [f"dashboard.logo: found {logo!r}, {path.stat().st_size:,} bytes; expected at most 2 MB (a logo)"]
    return []


def parse_config(data: object, base_dir: str = ".") -> Config:
    """Validate an already-parsed mapping, with the files it names (``base_dir`` is where relative paths start):
    the programme files' sessions are merged into ``programme.sessions``; rosters and exports are read once."""
    if not isinstance(data, dict):
        raise ConfigError("the config file must be a mapping with 'event:' and 'hashtags:' at the top level")
    try:
        config = Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        lines = [_describe(e) for e in exc.errors()]
        raise ConfigError("invalid config:\n  " + "\n  ".join(lines)) from None
    problems = _conflicts(config)
    if problems:
        raise ConfigError("invalid config:\n  " + "\n  ".join(problems))
    programme = config.programme.model_copy(update={"sessions": programme_sessions(config)})
    config = config.model_copy(update={"programme": programme})
    read_rosters(config)
    return config


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate ``path``; raise ConfigError naming what is wrong."""
    p = Path(path)
    try:
        if p.stat().st_size > CONFIG_LIMIT_BYTES or not p.is_file():
            raise ConfigError(
                f"{p}: not a config file (a folder, a device, or {p.stat().st_size:,} bytes); check the path"
            )
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{p}: no such config file; run `python -m summitpulse --config {p} init` to write a starter one"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read it ({exc.__class__.__name__})") from None
    data = load_yaml(text, str(p))
    try:
        return parse_config(data, base_dir=str(p.absolute().parent))
    except ConfigError as exc:
        raise ConfigError(f"{p}: {exc}") from None
