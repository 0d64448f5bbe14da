"""The live screen for the hall: counters, in-room vs remote, theme pulse, the wall, who leads now.

``?rotate=15`` shows one panel at a time under the counters, the next every 15 seconds (small screens)."""

import time
from datetime import datetime
from html import escape

import streamlit as st

from summitpulse.alerts.rules import SCREEN_HEARTBEAT
from summitpulse.analysis import evaluation
from summitpulse.analysis.programme import now_on
from summitpulse.ui import cards, controls, data, screen_charts
from summitpulse.ui.palette import NETWORK_NAMES, short_number

controls.through_navigation()

config = data.config()
kiosk, rotate = controls.kiosk(), controls.rotation()
chosen = controls.Selection() if kiosk else controls.selection()


def _delta(now: int, last: int) -> tuple[str, int]:
    change = now - last
    return (f"{'+' if change >= 0 else '−'}{abs(change)} vs previous 15 min", (change > 0) - (change < 0))


def _coverage_note() -> str:
    parts = [
        f"{NETWORK_NAMES.get(net, net)} ≈ {est['coverage']:.0%}"
        for net, est in data.completeness().items()
        if est["coverage"]
    ]
    return (
        "Estimated share of the conversation collected: " + ", ".join(parts) + " (capture–recapture estimate)."
        if parts
        else ""
    )


def _participation(now: int, alone: bool) -> None:
    st.markdown(cards.panel_title("In the room vs remote — posts every 15 minutes"), unsafe_allow_html=True)
    frame = data.participation_over_time(900, int(config.event.start.timestamp()) - 3 * 3600)
    frame = screen_charts.complete_buckets(frame, now, 900)
    if frame.empty:
        st.markdown(
            '<p class="sp-note">The first 15 minutes of posts will draw this chart.</p>', unsafe_allow_html=True
        )
    else:
        st.markdown(data.figure("screen_charts.split_area", frame, 480 if alone else 330), unsafe_allow_html=True)
    if note := evaluation.measured_note():  # the split's coverage and held-out error, beside it
        st.markdown(f'<p class="sp-note">{escape(note)}</p>', unsafe_allow_html=True)


def _wall(filters, now: int, alone: bool) -> None:
    st.markdown(cards.panel_title("Latest posts"), unsafe_allow_html=True)
    posts = data.wall(filters, now, 4 if alone else 3)
    st.markdown(
        "".join(cards.post_card(c) for c in posts) or '<p class="sp-note">No approved posts yet.</p>',
        unsafe_allow_html=True,
    )


def _pulse(last_hour) -> None:
    st.markdown(cards.panel_title("Theme pulse — the last hour"), unsafe_allow_html=True)
    pulse = data.theme_totals(last_hour)
    if pulse.posts.sum():
        st.markdown(data.figure("screen_charts.theme_bars", pulse), unsafe_allow_html=True)
    else:
        st.markdown('<p class="sp-note">No configured theme came up in the last hour.</p>', unsafe_allow_html=True)


def _leaders(last_hour, alone: bool) -> None:
    st.markdown(cards.panel_title("Leading the conversation — last hour"), unsafe_allow_html=True)
    top = data.leaders(last_hour, 5 if alone else 3)
    st.markdown(
        "".join(
            cards.rank_row(
                r["rank"],
                r["name"],
                r["handle"],
                r["avatar_url"] or "",
                f"{r['engagement']:,}",
                f"{r['posts']} post{'s' if r['posts'] != 1 else ''}",
                "reaction" if r["engagement"] == 1 else "reactions",
            )
            for r in top.to_dict("records")
        )
        or '<p class="sp-note">Nobody yet.</p>',
        unsafe_allow_html=True,
    )


@st.fragment(run_every=config.dashboard.refresh_seconds)
def screen() -> None:
    if kiosk:
        data.beat(SCREEN_HEARTBEAT)  # the hall screen is alive: the alert rules watch for its silence
    now = data.clock()
    filters = chosen.at(now)
    head = data.headline(filters, now)
    split = data.split(filters, now)
    labelled = split["in_room"] + split["remote"]
    current, upcoming = now_on(config, now)
    clock = config.event.tz
    st.markdown(
        cards.header(
            config.event.name,
            f"{config.hashtags.primary} · {config.event.venue.name}",
            cards.now_line(current, upcoming, clock),
            f"{datetime.fromtimestamp(now, clock):%H:%M}",
        ),
        unsafe_allow_html=True,
    )
    delta, trend = _delta(head["last_15_min"], head["previous_15_min"])
    st.markdown(
        cards.tiles(
            [
                cards.tile(
                    "Posts", f"{head['posts']:,}", f"{head['originals']:,} original · {head['reposts']:,} reposts"
                ),
                cards.tile("Last 15 minutes", f"{head['last_15_min']:,}", delta, trend),
                cards.tile("Participants", f"{head['participants']:,}", f"{head['posts_per_participant']} posts each"),
                cards.tile(
                    "In the room",
                    f"{split['in_room']:,}",
                    f"{split['in_room'] / labelled:.0%} of those we can place" if labelled else "nobody placed yet",
                ),
                cards.tile("Remote", f"{split['remote']:,}", f"{split['unknown']:,} not known yet"),
                cards.tile(
                    "Potential reach", short_number(head["potential_impressions"]), "estimate: posts × followers"
                ),
            ]
        ),
        unsafe_allow_html=True,
    )
    last_hour = controls.Selection(3600, chosen.networks, chosen.themes).at(now)
    panels = [
        lambda big: _participation(now, big),
        lambda big: _wall(filters, now, big),
        lambda big: _pulse(last_hour),
        lambda big: _leaders(last_hour, big),
    ]
    if rotate:  # one panel at a time, full width, the next every `rotate` seconds of real time
        panels[int(time.time() // rotate) % len(panels)](True)
    else:
        for row in (panels[:2], panels[2:]):
            for column, panel in zip(st.columns([3, 2], gap="large"), row):
                with column:
                    panel(False)
    note = _coverage_note()
    if note:
        st.markdown(f'<p class="sp-note">{escape(note)}</p>', unsafe_allow_html=True)


screen()
