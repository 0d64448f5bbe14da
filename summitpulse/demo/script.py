"""The demo day's script: when each persona posts what, from the night before to the evening after.

Intensity follows the programme (bursts at keynotes, lulls at breaks);
replies, reposts and quotes point at earlier posts on the same network.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta

from ..settings.config import Config, Session, clean_tag
from .personas import Persona

TOTAL_POSTS = 3600
EMERGING = {  # unconfigured topics that rise during the day: (from hour, phrases)
    "burnout": (
        11,
        [
            "Resident burnout and wellness deserve a whole session",
            "Wellness is not a yoga class: burnout is systemic",
            "Burnout talk hits home. Peer support and wellness programmes matter",
        ],
    ),
    "ai scribes": (
        13,
        [
            "AI scribes in clinic: who checks the note?",
            "Large language models as AI scribes will change documentation",
            "Will AI scribes free residents for teaching? Curious",
        ],
    ),
}
CHECKIN = [
    "Great to be here at {tag} in Toronto!",
    "In the room for {session}. Packed! {tag}",
    "Live from the Grand Ballroom at {tag}",
    "Just arrived at the Sheraton for {tag}",
    "Front row for {session} {tag}",
]
REMOTE = [
    "Watching the livestream of {session} {tag}",
    "Following from afar, thanks for the webcast! {tag}",
    "Tuning in from home to {session} {tag}",
    "Wish I were there. Following along online {tag}",
]
FRENCH = [
    "Très belle présentation sur {theme_kw} {tag}",
    "Je suis en ligne pour {session} {tag}",
    "Excellente discussion : {theme_kw} {tag}",
]
LINKS = [
    "https://www.aliem.com/2014/10/social-media-scholarship/",
    "https://icenetblog.royalcollege.ca/2014/10/22/somesummit/",
    "https://academiclifeinem.com/foam-quality/",
    "https://www.kevinmd.com/blog/2014/10/physicians-social-media.html",
    "https://doi.org/10.1097/ACM.0000000000000457",
    "https://www.mededworld.org/somesummit-notes",
]
MODERATION_CASES = [
    "This keynote is a load of shit, honestly {tag}",
    "Buy followers cheap!!! {tag} best prices",
    "Crypto giveaway for doctors, DM me {tag}",
    "Please keep me off the screen {tag} {opt_out}",
    "<script>alert('pwned')</script><b>bold</b> {tag}",
    "\u202eregnad\u202c sdrawkcab txet {tag}",
    "What a fucking great session {tag}",
]


@dataclass
class SimPost:
    idx: int
    ts: float
    persona: Persona
    kind: str
    text: str
    parent: SimPost | None = None
    media: int = 0
    geo: tuple[float, float, str] | None = None
    lang: str = "en"
    mentions: list[Persona] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    likes: int = 0

    @property
    def network(self) -> str:
        return self.persona.network


def _intensity(config: Config, ts: float) -> float:
    """Relative posting rate at ``ts``: bursts in keynotes, lulls at breaks and at night."""
    session = session_at(config, ts)
    hour = (ts - config.event.start.timestamp()) / 3600
    if session is None:
        return 0.15 if -1.5 < hour < 11 else 0.03
    return {"keynote": 3.2, "plenary": 2.0, "break": 0.7}.get(session.kind, 1.5)


def session_at(config: Config, ts: float) -> Session | None:
    return next((s for s in config.programme.sessions if s.start.timestamp() <= ts < s.end.timestamp()), None)


def day_bounds(config: Config) -> tuple[float, float]:
    """The demo's span: from 20:00 the evening before to 22:00 on the day."""
    start = config.event.start.astimezone(config.event.tz)
    begin = (start - timedelta(days=1)).replace(hour=20, minute=0, second=0)
    end = start.replace(hour=22, minute=0, second=0)
    return begin.timestamp(), end.timestamp()


def live_from(config: Config) -> float:
    """Where a replay goes live: the first keynote (the morning before it is loaded at once)."""
    return next(
        (s.start.timestamp() for s in config.programme.sessions if s.kind == "keynote"), config.event.start.timestamp()
    )


def _times(config: Config, rng: random.Random, total: int) -> list[float]:
    begin, end = day_bounds(config)
    minutes = range(int(begin) // 60, int(end) // 60)
    weights = [_intensity(config, m * 60) for m in minutes]
    picks = rng.choices(list(minutes), weights=weights, k=total)
    return sorted(m * 60 + rng.uniform(0, 59.9) for m in picks)


class _Writer:
    """Writes each post's text, mentions, links and media from the persona and the moment."""

    def __init__(self, config: Config, cast: list[Persona], rng: random.Random):
        self.config, self.rng = config, rng
        self.tags = [config.hashtags.primary] + list(config.hashtags.aliases)
        self.speakers = {
            f"{p.network}:{p.handle if p.network != 'mastodon' else p.author_id}": p for p in cast if p.speaker
        }

    def tag(self) -> str:
        return self.rng.choices(self.tags, weights=[6] + [1] * (len(self.tags) - 1))[0]

    def theme_line(self, session: Session | None, ts: float) -> tuple[str, str]:
        """A sentence about a theme (the session's, mostly) or an emerging topic, and a keyword."""
        hour = (ts - self.config.event.start.timestamp()) / 3600 + 8
        emerging = [lines for start, lines in EMERGING.values() if hour >= start]
        if emerging and self.rng.random() < 0.12:
            line = self.rng.choice(self.rng.choice(emerging))
            return line, line.split()[0]
        themes = self.config.themes
        theme = next((t for t in themes if session and t.name == session.theme), None)
        if theme is None or self.rng.random() < 0.35:
            theme = self.rng.choice(themes)
        kw = self.rng.choice(theme.keywords)
        tag = f" #{self.rng.choice(theme.hashtags)}" if theme.hashtags and self.rng.random() < 0.35 else ""
        opener = self.rng.choice(
            [
                "Key point:",
                "So true:",
                "Important discussion on",
                "Thinking about",
                "Loved the take on",
                "Question for the panel about",
                "Hot topic:",
                "Notes on",
            ]
        )
        return f"{opener} {kw}{tag}", kw

    def speaker_for(self, session: Session | None, network: str) -> Persona | None:
        refs = [self.speakers.get(s) for s in (session.speakers if session else [])]
        same = [p for p in refs if p and p.network == network]
        return self.rng.choice(same) if same else None

    def write(self, idx: int, ts: float, p: Persona) -> SimPost:
        rng, session = self.rng, session_at(self.config, ts)
        line, kw = self.theme_line(session, ts)
        named = session is not None and session.kind != "break"
        fill = {"tag": self.tag(), "session": f"'{session.title}'" if named else "today's summit", "theme_kw": kw}
        if p.lang == "fr":
            text = rng.choice(FRENCH).format(**fill)
        elif p.checkin and rng.random() < 0.18:
            text = rng.choice(CHECKIN).format(**fill)
        elif p.remote_phrases and rng.random() < 0.25:
            text = rng.choice(REMOTE).format(**fill)
        else:
            text = f"{line} {fill['tag']}"
        if session and session.hashtag and rng.random() < 0.3:
            text += f" {session.hashtag}"
        if p.in_room_tag and rng.random() < 0.4 and self.config.participation.in_room_tag:
            text += f" {self.config.participation.in_room_tag}"
        elif p.remote_tag and idx % 5 < 2 and self.config.participation.remote_tag:  # idx, not rng: posts as before
            text += f" {self.config.participation.remote_tag}"
        post = SimPost(idx, ts, p, "original", text, lang=p.lang)
        speaker = self.speaker_for(session, p.network)
        if speaker and speaker is not p and rng.random() < 0.45:
            post.mentions.append(speaker)
            post.text = f"@{speaker.handle} {post.text}" if rng.random() < 0.5 else f"{post.text} via @{speaker.handle}"
        if rng.random() < 0.13:
            post.links.append(rng.choice(LINKS))
            post.text += f" {post.links[0]}"
        in_session = session is not None and session.kind != "break"
        if p.photos and in_session and rng.random() < 0.35:
            post.media = 1
        if p.geotags and rng.random() < 0.6:
            post.geo = _geo(self.config, p, rng)
        return post


def _geo(config: Config, p: Persona, rng: random.Random) -> tuple[float, float, str]:
    venue = config.event.venue
    if p.in_room:
        return venue.latitude + rng.uniform(-0.001, 0.001), venue.longitude + rng.uniform(-0.001, 0.001), venue.name
    lat, lon = p.coords or (51.5072, -0.1276)
    return lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02), p.location or "London, UK"


def _is_night(config: Config, ts: float) -> bool:
    local_hour = (ts - config.event.start.timestamp()) / 3600 + 8
    return local_hour < 6.5 or local_hour >= 19.5


def _eligible(cast: list[Persona], night: bool) -> tuple[list[Persona], list[float]]:
    """Who may post: everybody by day; night owls (far away) and a few others at night; cumulative weights."""
    people = [p for p in cast if not night or p.night_owl or (not p.in_room and p.activity > 2)]
    return people, list(itertools.accumulate(p.activity * (3 if night and p.night_owl else 1) for p in people))


def _interact(post: SimPost, history: dict[str, list[SimPost]], rng: random.Random) -> None:
    """Make ``post`` a reply, repost or quote of an earlier post on its network, or leave it original."""
    earlier = [q for q in history.get(post.network, [])[-120:] if q.persona is not post.persona and q.kind != "repost"]
    if not earlier:
        return
    roll = rng.random()
    kind = (
        "repost"
        if post.persona.repost_only or roll < 0.25
        else "reply"
        if roll < 0.42
        else "quote"
        if roll < 0.48
        else None
    )
    if kind is None:
        return
    weights = [1 + q.persona.followers**0.5 / 10 + (5 if q.persona.speaker else 0) for q in earlier]
    parent = rng.choices(earlier, weights=weights)[0]
    post.kind, post.parent = kind, parent
    if kind == "repost":
        post.text, post.media, post.geo, post.links, post.mentions = parent.text, 0, None, [], [parent.persona]
    elif kind == "reply":
        post.mentions = [parent.persona, *post.mentions]
        post.text = f"@{parent.persona.handle} {rng.choice(['Agreed!', 'Great point.', 'Not sure I agree:', 'Exactly this.', '+1'])} {post.text}"


def write_script(config: Config, cast: list[Persona], seed: int = 2014, total: int = TOTAL_POSTS) -> list[SimPost]:
    """Every post of the demo day, in time order, deterministic for a seed."""
    rng = random.Random(seed + 1)
    writer = _Writer(config, cast, rng)
    history: dict[str, list[SimPost]] = {}
    posts: list[SimPost] = []
    eligible = {night: _eligible(cast, night) for night in (False, True)}
    for idx, ts in enumerate(_times(config, rng, total)):
        people, cum_weights = eligible[_is_night(config, ts)]
        post = writer.write(idx, ts, rng.choices(people, cum_weights=cum_weights)[0])
        _interact(post, history, rng)
        history.setdefault(post.network, []).append(post)
        posts.append(post)
    _add_moderation_cases(config, cast, posts, rng)
    _add_engagement(posts, rng)
    return posts


def _add_moderation_cases(config: Config, cast: list[Persona], posts: list[SimPost], rng: random.Random) -> None:
    """A few posts the moderation must catch, spread over the day."""
    opt_tag = config.participants.opt_out_tag or ""
    begin, end = config.event.start.timestamp(), config.event.end.timestamp()
    for n, template in enumerate(MODERATION_CASES):
        ts = begin + (end - begin) * (n + 1) / (len(MODERATION_CASES) + 1)
        author = rng.choice([p for p in cast if not p.speaker and not p.repost_only])
        text = template.format(tag=f"#{clean_tag(config.hashtags.primary)}", opt_out=opt_tag)
        bisect.insort(posts, SimPost(len(posts), ts, author, "original", text), key=lambda s: s.ts)


def _add_engagement(posts: list[SimPost], rng: random.Random) -> None:
    """Final like counts: more for speakers, well-followed authors and quotable originals."""
    for post in posts:
        if post.kind != "repost":
            base = post.persona.followers**0.5 / 8 + (6 if post.persona.speaker else 0) + post.media * 3
            post.likes = int(rng.expovariate(1 / (1 + base)))
