"""Collector health: last run, fetched, errors, rate limits, cursor lag, how far back each reached."""

import streamlit as st

from summitpulse.alerts import channels
from summitpulse.ui import controls, data
from summitpulse.ui.palette import NETWORK_NAMES

controls.through_app()


def table(frame, empty: str, **settings) -> None:
    """``frame`` as a full-width table, or ``empty`` when it has no row."""
    if frame.empty:
        st.write(empty)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", **settings)


if not controls.organiser_gate():
    st.stop()
st.title("Collector health")
signins = data.signin_attempts()
if signins.failed.sum() or signins.throttled.sum():
    st.warning(
        f"Organiser sign-in, last 24 hours: {signins.failed.sum():,} wrong passwords and {signins.throttled.sum():,} "
        "attempts refused while throttled (the values tried are never kept)."
    )
    st.dataframe(
        signins.assign(last_attempt=data.in_event_zone(signins.last_attempt)),
        hide_index=True,
        column_config={
            "client": "Client address",
            "failed": st.column_config.NumberColumn("Wrong passwords"),
            "throttled": st.column_config.NumberColumn("Refused (throttled)"),
            "ok": st.column_config.NumberColumn("Signed in"),
            "last_attempt": st.column_config.DatetimeColumn("Last attempt", format="D MMM HH:mm:ss"),
            "wait_s": st.column_config.NumberColumn("Next attempt in", format="%d s"),
        },
    )
else:
    st.caption("Organiser sign-in: no wrong password in the last 24 hours.")
claimed, latest = data.impossible_times()
if claimed:
    st.warning(
        f"{claimed:,} post{'s' if claimed != 1 else ''} claimed an impossible date (before the networks began, or "
        "ahead of the clock): each is counted at the time it was collected. The latest:"
    )
    st.dataframe(
        latest.assign(collected=data.in_event_zone(latest.collected)),
        hide_index=True,
        width="stretch",
        column_config={
            "network": "Network",
            "claimed_at": "Date it claimed",
            "collected": st.column_config.DatetimeColumn("Counted at (collected)", format="D MMM HH:mm:ss"),
            "url": st.column_config.LinkColumn("Post", display_text="open"),
        },
    )
frame = data.collector_health()
if frame.empty:
    st.info("No collector has run yet. Start them with `python -m summitpulse collect` (or `up --live`).")
    st.stop()
NEEDS_ATTENTION = ("stalled", "failing", "refused", "never ran")
bad = frame[frame.state.isin(NEEDS_ATTENTION)]
if not bad.empty:
    st.error("Needs attention: " + ", ".join(f"{c} ({s})" for c, s in zip(bad.collector, bad.state)))
else:
    st.success("All collectors are running.")
COLUMNS = {  # what an organiser reads first comes first: the table is wider than the page
    "collector": st.column_config.TextColumn("Collector"),
    "state": st.column_config.TextColumn("State"),
    "last_run": st.column_config.DatetimeColumn("Last run", format="HH:mm:ss", help="On the event's clock"),
    "ago": st.column_config.TextColumn("Ended"),
    "cursor": st.column_config.TextColumn("Where it stands", help="The newest post its cursor holds"),
    "faults": st.column_config.TextColumn("Faults by kind"),
    "last_new": st.column_config.NumberColumn("New (last run)"),
    "last_fetched": st.column_config.NumberColumn("Fetched (last run)"),
    "last_message": st.column_config.TextColumn("Last message"),
    "errors": st.column_config.NumberColumn("Errors"),
    "rate_limit_waits": st.column_config.NumberColumn("Rate-limit waits"),
    "cursor_moved": st.column_config.TextColumn("Cursor moved"),
    "reached_back": st.column_config.TextColumn("Reached back to", help="The oldest post a search could reach"),
    "runs": st.column_config.NumberColumn("Runs"),
    "fetched": st.column_config.NumberColumn("Fetched"),
    "new": st.column_config.NumberColumn("New"),
    "requests": st.column_config.NumberColumn("Requests (5 min)", help="HTTP requests its runs sent lately"),
    "budget": st.column_config.TextColumn("Rate budget", help="Its host's window, shared by every job"),
}
attention = "color: #b91c1c; font-weight: 700"
shown = data.collector_health_shown(frame)
st.dataframe(
    shown.style.map(lambda s: attention if s in NEEDS_ATTENTION else "", subset=["state"]),
    hide_index=True,
    width="stretch",
    column_order=list(COLUMNS),
    column_config=COLUMNS,
)
if data.config().networks.x.enabled:
    st.subheader("X reads and spend (estimate)")
    usage = data.x_usage()
    left, middle, right = st.columns(3)
    left.metric("Posts read", f"{usage.posts:,}", help="Billed once per post per UTC day")
    middle.metric("Users read", f"{usage.users:,}", help="The authors each page expands")
    right.metric("Estimated spend", f"${usage.spend_usd:,.2f}", help=f"Budget ${usage.budget_usd:,.2f}")
    st.progress(min(1.0, usage.share), text=f"{usage.share:.0%} of the budget (`networks.x.budget_usd`)")
    if usage.share >= data.config().alerts.x_budget.share:
        st.warning("X spend is near its budget: X collection stops before it would pass it. Raise the budget to go on.")
st.subheader("Rate budgets")
budgets = data.rate_budgets()
if budgets.empty:
    st.write("No request sent yet.")
else:
    st.caption("Each host's rate window as its answers last said it, shared by every job and collecting process.")
    st.dataframe(
        budgets,
        hide_index=True,
        width="stretch",
        column_config={
            "host": "Host",
            "network": "Network",
            "used": st.column_config.ProgressColumn(
                "Used this window", format="%d", min_value=0, max_value=int(budgets["limit"].max())
            ),
            "limit": st.column_config.NumberColumn("Limit"),
            "resets_in_s": st.column_config.NumberColumn("Resets in", format="%d s"),
            "requests": st.column_config.NumberColumn("Requests sent"),
            "refused": st.column_config.NumberColumn("Answered 429"),
        },
    )
st.subheader("Completeness (estimate)")
for network, est in data.completeness(wait=30).items():
    name = NETWORK_NAMES.get(network, network)
    if est["coverage"]:
        st.write(
            f"**{name}**: we see about {est['coverage']:.0%} of the posts (range {est['low']:.0%}–{est['high']:.0%}); "
            f"{est['observed']:,} seen of an estimated {est['estimated']:,}. Method: {est['method']}."
        )
    else:
        st.write(f"**{name}**: {est['observed']:,} posts; {est['method']}.")


st.subheader("Faults by kind")
table(
    data.collector_faults(),
    "No fault so far.",
    column_config={"collector": "Collector", "kind": "Kind", "count": st.column_config.NumberColumn("Count")},
)
st.subheader("Recent faults")
faults = data.collector_events()
table(
    faults.assign(time=data.in_event_zone(faults.time)),
    "No faults recorded: no 429, server error, timeout or unreadable page so far.",
    column_config={
        "time": st.column_config.DatetimeColumn("Time", format="D MMM HH:mm:ss"),
        "collector": "Collector",
        "kind": "Kind",
        "message": "Message",
    },
)

st.subheader("Alerts to organisers")
config = data.config()
told = channels()
if not config.alerts.enabled:
    st.write("Alerts are switched off (`alerts.enabled: false` in config.yaml).")
elif not told:
    st.warning(
        "No channel to tell: set SUMMITPULSE_ALERT_URL (or SUMMITPULSE_ALERT_URL_SLACK, …) to an apprise URL. "
        "Incidents are still recorded here."
    )
else:
    st.write("Told on: " + ", ".join(told) + ".")
alerts = data.alert_incidents()
table(
    alerts.assign(
        opened=data.in_event_zone(alerts.opened_ts),
        closed=data.in_event_zone(alerts.closed_ts.astype("float")),
        link=config.alerts.base_url + "/" + alerts.link,
    ),
    "No incident so far.",
    column_order=["opened", "rule", "summary", "notified", "channels", "closed", "link"],
    column_config={
        "opened": st.column_config.DatetimeColumn("Opened", format="D MMM HH:mm"),
        "rule": "Rule",
        "summary": st.column_config.TextColumn("What", width="large"),
        "notified": st.column_config.TextColumn("Message", help="sent, failed, cooldown, no channel, or due"),
        "channels": "Channels",
        "closed": st.column_config.DatetimeColumn("Over", format="D MMM HH:mm"),
        "link": st.column_config.LinkColumn("Handle it", display_text="open"),
    },
)
