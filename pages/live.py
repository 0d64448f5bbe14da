"""The live screen for the hall: counters, in-room vs remote, theme pulse, the wall, who leads now.

One block laid out for the viewport it gets, never scrolling (summitpulse/ui/style.py; README "The live screen on
any projector"). ``?rotate=15`` shows one panel at a time under the counters, the next every 15 seconds."""

import time
from datetime import datetime

import streamlit as st

from summitpulse.alerts.rules import SCREEN_HEARTBEAT
from summitpulse.analysis import evaluation
from summitpulse.analysis.completeness import in_plain_words
from summitpulse.analysis.programme import now_on
from summitpulse.settings.social import shown
from summitpulse.ui import cards, controls, data, say_so, screen_charts
from summitpulse.ui.palette import NETWORK_NAMES, short_number

controls.through_app()

config = data.config()
kiosk, rotate = controls.kiosk(), controls.rotation()
chosen = controls.Selection() if kiosk else controls.selection()
WALL_POSTS, LEADERS = 5, 6  # at most; the screen shows as many whole ones as fit


def _delta(now: int, last: int) -> tuple[str, int]:
    change = now - last
    return (f"{'+' if change >= 0 else '−'}{abs(change)} vs previous 15 min", (change > 0) - (change < 0))


KINDS = {
    "originals": ("original", "original"),
    "replies": ("reply", "replies"),
    "quotes": ("quote", "quotes"),
    "reposts": ("repost", "reposts"),
}


def _kinds(head: dict) -> str:
    """The posts counter's parts, which add up to it: originals, replies, quotes, reposts."""
    return " · ".join(f"{head[k]:,} {one if head[k] == 1 else many}" for k, (one, many) in KINDS.items())


def _participation(now: int) -> str:
    frame = data.participation_over_time(900, int(config.event.start.timestamp()) - 3 * 3600)
    frame = screen_charts.complete_buckets(frame, now, 900)
    body = (
        '<p class="sp-note">The first 15 minutes of posts will draw this chart.</p>'
        if frame.empty
        else data.figure("screen_charts.split_area", frame, mode=controls.mode())
    )
    return cards.panel("chart", "In the room vs remote — posts per 15 minutes", body)


def _wall(filters, now: int) -> str:
    posts = data.wall(filters, now, WALL_POSTS)
    body = "".join(cards.post_card(c) for c in posts) or '<p class="sp-note">No approved posts yet.</p>'
    return cards.panel("wall", "Latest posts", f'<div class="sp-list">{body}</div>')


def _pulse(last_hour) -> str:
    pulse = data.theme_totals(last_hour)
    body = (
        data.figure("screen_charts.theme_bars", pulse, controls.mode())
        if pulse.posts.sum()
        else '<p class="sp-note">No configured theme came up in the last hour.</p>'
    )
    return cards.panel("pulse", "Theme pulse — the last hour", body)


def _leaders(last_hour) -> str:
    top = data.leaders(last_hour, LEADERS)
    rows = "".join(
        cards.rank_row(
            r["rank"],
            r["name"],
            shown(r["network"], r["handle"]),
            r["avatar_url"] or "",
            f"{r['engagement']:,}",
            f"{r['posts']} post{'s' if r['posts'] != 1 else ''}",
            "reaction" if r["engagement"] == 1 else "reactions",
        )
        for r in top.to_dict("records")
    )
    body = f'<div class="sp-list">{rows}</div>' if rows else '<p class="sp-note">Nobody yet.</p>'
    return cards.panel("leaders", "Leading the conversation — last hour", body)


def _counters(head: dict, split: dict) -> str:
    labelled = split["in_room"] + split["remote"]
    delta, trend = _delta(head["last_15_min"], head["previous_15_min"])
    return cards.tiles(
        [
            cards.tile("Posts", f"{head['posts']:,}", _kinds(head)),
            cards.tile("Last 15 minutes", f"{head['last_15_min']:,}", delta, trend),
            cards.tile("Participants", f"{head['participants']:,}", f"{head['posts_per_participant']} posts each"),
            cards.tile(
                "In the room",
                f"{split['in_room']:,}",
                f"{split['in_room'] / labelled:.0%} of those we can place" if labelled else "nobody placed yet",
            ),
            cards.tile("Remote", f"{split['remote']:,}", f"{split['unknown']:,} not known yet"),
            cards.tile("Potential reach", short_number(head["potential_impressions"]), "estimate: posts × followers"),
        ]
    )


@st.fragment(run_every=config.dashboard.refresh_seconds)
def screen() -> None:
    if kiosk:
        data.beat(SCREEN_HEARTBEAT)  # the hall screen is alive: the alert rules watch for its silence
    now = data.clock()
    filters = chosen.at(now)
    current, upcoming = now_on(config, now)
    clock = config.event.tz
    head = cards.header(
        config.event.name,
        f"{config.hashtags.primary} · {config.event.venue.name}",
        cards.now_line(current, upcoming, clock),
        f"{datetime.fromtimestamp(now, clock):%H:%M}",
    )
    last_hour = controls.Selection(3600, chosen.networks, chosen.themes).at(now)
    panels = [
        lambda: _participation(now),
        lambda: _wall(filters, now),
        lambda: _pulse(last_hour),
        lambda: _leaders(last_hour),
    ]
    if rotate:  # one panel at a time, full width, the next every `rotate` seconds of real time
        panels = [panels[int(time.time() // rotate) % len(panels)]]
    measured = evaluation.measured_note(short=True)  # the split's held-out error and coverage, under the screen
    note = " ".join(
        n
        for n in (
            in_plain_words(data.completeness(), NETWORK_NAMES),
            measured and f"In the room or remote: {measured}.",
        )
        if n
    )
    counters = _counters(data.headline(filters, now), data.split(filters, now))
    st.markdown(cards.screen(head, counters, [p() for p in panels], note, alone=bool(rotate)), unsafe_allow_html=True)


screen()
say_so.room_qr(config)
