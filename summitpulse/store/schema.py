"""Table definitions (SQLAlchemy Core), the same for SQLite and PostgreSQL.

Times are stored twice where they are grouped on: ``*_ts`` integer epoch
seconds (dialect-neutral bucketing in SQL) beside a readable DateTime.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

Id = String(512)

posts = Table(
    "posts",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("native_id", Id, primary_key=True),
    Column("uri", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("author_id", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_ts", BigInteger, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("text_folded", Text, nullable=False, default=""),  # casefolded, accents removed: theme matching
    Column("text_stems", Text, nullable=False, default=""),  # the folded words' stems, " a b c ": theme matching
    Column("lang", String(16), nullable=False, default=""),
    Column("kind", String(10), nullable=False),
    Column("hashtags", Text, nullable=False, default="[]"),
    Column("mentions", Text, nullable=False, default="[]"),
    Column("links", Text, nullable=False, default="[]"),
    Column("media_count", Integer, nullable=False, default=0),
    Column("media_urls", Text, nullable=False, default="[]"),
    Column("media_alts", Text, nullable=False, default="[]"),  # each media's alt text, "" if none (revision 0015)
    Column("reply_to", Id),
    Column("reply_to_author", String(128)),
    Column("repost_of", Id),
    Column("quote_of", Id),
    Column("like_count", Integer),
    Column("repost_count", Integer),
    Column("reply_count", Integer),
    Column("quote_count", Integer),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("place", Text, nullable=False, default=""),
    Column("place_box", Text, nullable=False, default=""),  # a place tag's box, "west,south,east,north" (revision 0011)
    Column("matched_tags", Text, nullable=False, default="[]"),
    Column("source", String(255), nullable=False, default=""),
    Column("collected_ts", BigInteger, nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
    Column("deleted_ts", BigInteger),
)
Index("ix_posts_created", posts.c.created_ts)
Index("ix_posts_author", posts.c.network, posts.c.author_id)
# What arrived, left or changed since a moment (schema version 2).
CHANGE_INDEXES = [
    Index("ix_posts_collected", posts.c.collected_ts, posts.c.network, posts.c.native_id),
    Index(
        "ix_posts_deleted",
        posts.c.deleted_ts,
        sqlite_where=posts.c.deleted_ts.isnot(None),
        postgresql_where=posts.c.deleted_ts.isnot(None),
    ),
]  # partial: "IS NULL" must not pick it

authors = Table(
    "authors",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("author_id", String(128), primary_key=True),
    Column("handle", String(255), nullable=False),
    Column("display_name", Text, nullable=False, default=""),
    Column("followers", Integer),
    Column("location", Text, nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
    Column("avatar_url", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("updated_ts", BigInteger, nullable=False),
)
Index("ix_authors_handle", authors.c.handle)
CHANGE_INDEXES.append(Index("ix_authors_updated", authors.c.updated_ts))


def _post_child(name: str, value: str, length: int = 255) -> Table:
    """A (post, value) link table: tags, mentions and links of each post."""
    table = Table(
        name,
        metadata,
        Column("network", String(16), primary_key=True),
        Column("native_id", Id, primary_key=True),
        Column(value, String(length), primary_key=True),
    )
    Index(f"ix_{name}_{value}", table.c[value])
    return table


post_tags = _post_child("post_tags", "tag")
post_mentions = _post_child("post_mentions", "mentioned")
post_links = _post_child("post_links", "link", 1024)

sightings = Table(
    "sightings",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("native_id", Id, primary_key=True),
    Column("source", String(255), primary_key=True),
    Column("seen_ts", BigInteger, nullable=False),
    Column("local_id", String(64)),  # the id this source gives the post (Mastodon ids differ per instance)
)

# The time a post claimed when it was impossible (before the networks, or ahead of the clock): its created_at is
# then when it was collected (``normalise.untrusted``).
claimed_times = Table(
    "claimed_times",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("native_id", Id, primary_key=True),
    Column("claimed_at", String(64), nullable=False),
)

cursors = Table(
    "cursors",
    metadata,
    Column("collector", String(255), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_ts", BigInteger, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("collector", String(255), nullable=False),
    Column("started_ts", BigInteger, nullable=False),
    Column("ended_ts", BigInteger),
    Column("fetched", Integer, nullable=False, default=0),
    Column("new", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("rate_limit_waits", Integer, nullable=False, default=0),
    Column("reached_back_ts", BigInteger),
    Column("status", String(16), nullable=False, default="running"),
    Column("message", Text, nullable=False, default=""),
    Column("requests", Integer, nullable=False, server_default="0"),  # HTTP requests this run sent
    Column("host", String(255)),  # the rate budget they were spent from (``rate_budgets.host``)
)
Index("ix_runs_collector", runs.c.collector, runs.c.started_ts)

rate_budgets = Table(  # each host's rate limit, shared by every job of every collecting process
    "rate_budgets",
    metadata,
    Column("host", String(255), primary_key=True),
    Column("network", String(16), nullable=False),
    Column("limit", Integer, nullable=False),  # requests per window, as the host's headers last said
    Column("remaining", Integer, nullable=False),  # left in this window: the headers' count less ours since
    Column("reset_ts", Float, nullable=False),  # when the window ends (epoch seconds)
    Column("requests", BigInteger, nullable=False, server_default="0"),  # sent by us, ever
    Column("refused", BigInteger, nullable=False, server_default="0"),  # answered 429
    Column("updated_ts", BigInteger, nullable=False),
)

collector_events = Table(
    "collector_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("collector", String(255), nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False, default=""),
)
Index("ix_collector_events", collector_events.c.collector, collector_events.c.ts)

moderation = Table(
    "moderation",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("native_id", Id, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("updated_ts", BigInteger, nullable=False),
)
Index("ix_moderation_status", moderation.c.status)
CHANGE_INDEXES.append(Index("ix_moderation_updated", moderation.c.updated_ts))

moderation_actions = Table(
    "moderation_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("actor", String(255), nullable=False, default=""),
    Column("action", String(32), nullable=False),
    Column("target", Text, nullable=False),
    Column("reason", Text, nullable=False, default=""),
)

blocklist = Table(
    "blocklist",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("value", String(255), primary_key=True),
    Column("ts", BigInteger, nullable=False),
)

participant_overrides = Table(
    "participant_overrides",
    metadata,
    Column("person", String(255), primary_key=True),
    Column("label", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("ts", BigInteger, nullable=False),
)

identity_links = Table(
    "identity_links",
    metadata,
    Column("author_key", String(160), primary_key=True),
    Column("person", String(255), nullable=False),
    Column("confirmed", Boolean, nullable=False, default=True),
    Column("ts", BigInteger, nullable=False),
)

identity_rejections = Table(  # suggested links an organiser said are two people: "a b", sorted
    "identity_rejections",
    metadata,
    Column("pair", String(400), primary_key=True),
    Column("ts", BigInteger, nullable=False),
)

demo_truth = Table(
    "demo_truth",
    metadata,
    Column("author_key", String(160), primary_key=True),
    Column("person", String(255), nullable=False),
    Column("in_room", Boolean, nullable=False),
    Column("stakeholder", String(32), nullable=False, default=""),
)

# --- Figures kept with the posts (summitpulse/figures): each row is incremented in the transaction that writes,
# deletes or moderates the posts it counts; ``summitpulse rebuild`` recomputes them all from the posts.

post_themes = _post_child("post_themes", "theme")  # the configured themes a post is about, matched once at ingest


def _counts(name: str, keys: list[Column], values: tuple[str, ...], *indexes: tuple[str, ...]) -> Table:
    """An aggregate table: ``keys`` → integer ``values``, each upserted as ``value = value + delta``."""
    table = Table(name, metadata, *keys, *(Column(v, BigInteger, nullable=False, server_default="0") for v in values))
    for columns in indexes:
        Index(f"ix_{name}_{'_'.join(columns)}", *(table.c[c] for c in columns))
    return table


def _key(name: str, type_=BigInteger) -> Column:
    return Column(name, type_, primary_key=True)


def Network() -> Column:  # noqa: N802 — read as a column type in the tables below
    return _key("network", String(16))


def AuthorId() -> Column:  # noqa: N802
    return _key("author_id", String(128))


def Themes() -> Column:  # noqa: N802 — the sorted JSON list of a post's themes: a post is counted once, whatever
    return _key("themes", String(1000))  # themes are asked for together


def Minute() -> Column:  # noqa: N802 — epoch seconds // 60
    return _key("minute")


def Quarter() -> Column:  # noqa: N802 — the epoch second a quarter hour starts at
    return _key("quarter")


def Kind() -> Column:  # noqa: N802
    return _key("kind", String(10))


minute_counts = _counts("minute_counts", [Minute(), Network(), Kind()], ("posts", "engagement"))
theme_minutes = _counts("theme_minutes", [Themes(), Minute(), Network(), Kind()], ("posts", "engagement"))
author_quarters = _counts(
    "author_quarters", [Network(), AuthorId(), Quarter()], ("posts", "reposts", "engagement"), ("quarter",)
)
theme_authors = _counts(
    "theme_authors", [Themes(), Network(), AuthorId(), Quarter()], ("posts", "reposts", "engagement"), ("quarter",)
)
label_quarters = _counts(
    "label_quarters", [Quarter(), Column("label", String(16), primary_key=True)], ("posts",)
)  # posts per quarter hour by their author's current label
evidence = _counts(
    "evidence", [Network(), AuthorId(), Column("fact", String(600), primary_key=True)], ("n",), ("fact",)
)  # what an account's posts said about where they are: the participation rules' per-post facts, counted

accounts = Table(  # every account with a counted post: its totals, its person and the label it is counted under
    "accounts",
    metadata,
    Network(),
    AuthorId(),
    Column("posts", BigInteger, nullable=False, server_default="0"),
    Column("reposts", BigInteger, nullable=False, server_default="0"),
    Column("engagement", BigInteger, nullable=False, server_default="0"),
    Column("followers", BigInteger, nullable=False, server_default="0"),  # its profile's, kept with it: reach
    Column("person", String(300), nullable=False),
    Column("label", String(16), nullable=False, server_default="unknown"),
    Column("stale", Integer, nullable=False, server_default="1"),  # its person is to be judged again
)
Index("ix_accounts_person", accounts.c.person)
Index("ix_accounts_stale", accounts.c.stale, sqlite_where=accounts.c.stale == 1, postgresql_where=accounts.c.stale == 1)

people = Table(  # every participant's current judgement, rewritten for that person alone when it changes
    "people",
    metadata,
    Column("person", String(300), primary_key=True),
    Column("network", String(16), nullable=False),
    Column("handle", String(255), nullable=False),
    Column("name", Text, nullable=False, default=""),
    Column("posts", BigInteger, nullable=False),
    Column("label", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list
    Column("accounts", Text, nullable=False),  # JSON list of "network:@handle"
)
Index("ix_people_label", people.c.label)

learnt = Table(  # the event model's verdict on each person without strong evidence (``figures.event_model``)
    "learnt",
    metadata,
    Column("person", String(300), primary_key=True),
    Column("p_in_room", Float, nullable=False),  # calibrated probability of being in the room
    Column("reasons", Text, nullable=False),  # JSON list: what moved it most
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

x_reads = Table(  # what X bills: each post or user returned, once per UTC day (daily deduplication)
    "x_reads",
    metadata,
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, UTC
    Column("resource", String(80), primary_key=True),  # "post:<id>" or "user:<id>"
)

profile_checks = Table(  # when a profile was last fetched on its own (Bluesky search results carry no follower counts)
    "profile_checks",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("author_id", String(128), primary_key=True),
    Column("checked_ts", BigInteger, nullable=False),
)

rhythms = Table(  # each account's own posts before the event by hour of day (UTC), from its author feed
    "rhythms",
    metadata,
    Column("network", String(16), primary_key=True),
    Column("author_id", String(128), primary_key=True),
    Column("hours", Text, nullable=False),  # JSON list of 24 counts, UTC hours 0–23
    Column("fetched_ts", BigInteger, nullable=False),
)

alert_incidents = Table(  # something that needs an organiser: open while its rule still finds it
    "alert_incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule", String(32), nullable=False),
    Column("key", String(512), nullable=False),  # what the rule found it on: "spike", a collector, a post
    Column("summary", Text, nullable=False),
    Column("link", Text, nullable=False, default=""),  # the dashboard page that handles it
    Column("opened_ts", BigInteger, nullable=False),
    Column("seen_ts", BigInteger, nullable=False),
    Column("closed_ts", BigInteger),
    Column("notified", String(16), nullable=False, default="due"),  # due, sent, failed, cooldown, no channel
    Column("attempts", Integer, nullable=False, default=0),
)
Index("ix_alert_incidents_key", alert_incidents.c.rule, alert_incidents.c.key, alert_incidents.c.closed_ts)

alert_messages = Table(  # each attempt to tell the organisers, per channel (its kind only: the URL is a secret)
    "alert_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", Integer, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("channel", String(64), nullable=False),
    Column("ok", Boolean, nullable=False),
)
Index("ix_alert_messages_incident", alert_messages.c.incident_id)

heartbeats = Table(  # "I am alive": the hall screen writes one as it refreshes
    "heartbeats",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("ts", BigInteger, nullable=False),
)

signin_attempts = Table(  # organiser sign-in attempts, never the value tried: the throttle and the health page
    "signin_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", Float, nullable=False),
    Column("client", String(64), nullable=False),  # the connection's address, as Streamlit gives it
    Column("outcome", String(16), nullable=False),  # failed, throttled (refused unchecked), ok
)
Index("ix_signin_attempts_ts", signin_attempts.c.ts)
