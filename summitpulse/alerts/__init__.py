"""Alerts to organisers: the rules (``rules.py``), their incidents and messages (``incidents.py``), and apprise.

Channels are secrets: ``SUMMITPULSE_ALERT_URL`` and ``SUMMITPULSE_ALERT_URL_<CHANNEL>``, one apprise URL each
(mailto://, slack://, matrix://, tgram://, ntfy://, json:// for any webhook…), from the environment or
``.streamlit/secrets.toml``. ``summitpulse alerts`` runs the rules every ``alerts.every_seconds``; ``collect``
runs them too, as one of its scheduled jobs.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import apprise
from sqlalchemy import Engine

from ..settings.config import Config
from ..settings.secrets import alert_urls, install_redaction
from .incidents import check

log = logging.getLogger("summitpulse.alerts")


def channel_name(variable: str, url: str) -> str:
    """How a channel is named in the store and on the health page: its variable's suffix and the URL's scheme
    ("slack (slack)", "email (mailto)") — never more of the URL."""
    suffix = variable.removeprefix("SUMMITPULSE_ALERT_URL").lstrip("_").lower() or "default"
    scheme = urlsplit(url).scheme.lower() if "://" in url else "?"
    return f"{suffix} ({scheme})"[:64]


def channels() -> list[str]:
    """The configured channels' names (for the health page)."""
    return [channel_name(k, v) for k, v in alert_urls().items()]


def send(title: str, body: str) -> dict[str, bool]:
    """Tell every channel, each on its own so one refusing does not hide the others; {channel: delivered}."""
    install_redaction()  # apprise logs through the root handlers: never a channel's token
    out = {}
    for variable, url in alert_urls().items():
        name, client = channel_name(variable, url), apprise.Apprise()
        if not client.add(url):
            log.warning("alert channel %s: not an apprise URL apprise knows; see https://appriseit.com", name)
            out[name] = False
            continue
        out[name] = bool(client.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))
    return out


def run_once(config: Config, engine: Engine) -> int:
    """Every enabled rule once, and the messages due; how many incidents were told."""
    return check(engine, config, send)


def run_alerts(config: Config, engine: Engine, once: bool = False) -> int:
    """``summitpulse alerts``: the rules every ``alerts.every_seconds`` until stopped (or once)."""
    if not config.alerts.enabled:
        print("error: alerts are switched off (alerts.enabled: false in the config)", flush=True)
        return 2
    if not alert_urls():
        log.warning("no alert channel: set SUMMITPULSE_ALERT_URL (an apprise URL); incidents are still recorded")
    while True:
        try:
            run_once(config, engine)
        except Exception:  # a failing rule or database hiccup must not end the watch
            log.exception("alerts: run failed")
            if once:
                return 1
        if once:
            return 0
        time.sleep(config.alerts.every_seconds)
