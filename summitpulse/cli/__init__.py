"""``python -m summitpulse``: the command line.

Each command is a thin handler that loads the config, opens the store and
calls the module that does the work.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from sqlalchemy.exc import OperationalError

from ..settings.config import Config, ConfigError, load_config
from ..settings.database import redact_url
from ..settings.secrets import install_redaction, redact
from ..settings.starter import write_starter_config
from ..store.demo_store import StoreOwnerError, refuse_demo_store
from ..store.engine import open_store

EXPORTS = ("posts", "participants", "themes", "contributors")
FORMATS = ("csv", "json", "parquet")


def _speed(value: str) -> float:
    if value == "max":
        return float("inf")
    try:
        speed = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'max', found {value!r}") from None
    if speed <= 0:
        raise argparse.ArgumentTypeError("the speed must be above 0")
    return speed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m summitpulse",
        description="Summit Pulse: watch a conference's social-media conversation live, report on it after.",
    )
    parser.add_argument("--config", default="config.yaml", help="the event's config file (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "init",
        help="write a starter config when there is none; else check the config and create (or upgrade) the database",
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="play the bundled demo event into a store of its own (demo.database_url)")
    p.add_argument(
        "--speed",
        type=_speed,
        default=60.0,
        help="event seconds per real second, or 'max' to load it all at once (default: 60)",
    )
    p.add_argument("--reset", action="store_true", help="empty the store's posts first and restart the clock")
    p.add_argument("--archive", metavar="DIR", help="also write the raw payloads as JSONL archives to DIR")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("collect", help="run the collectors on their schedule (Ctrl-C stops)")
    p.add_argument("--once", action="store_true", help="run each collector once and exit (for cron)")
    p.add_argument("--network", choices=("x", "mastodon", "bluesky"), help="only this network")
    p.set_defaults(handler=cmd_collect)

    p = sub.add_parser("import", help="import archived posts (X, Mastodon, Bluesky JSON/JSONL, CSV)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "rebuild",
        help="recompute every figure from the posts, after a change of themes, programme, participation or rosters",
    )
    p.set_defaults(handler=cmd_rebuild)

    p = sub.add_parser(
        "learn",
        help="learn this event's in-room/remote model from its placed people and label the rest (collect does it too)",
    )
    p.set_defaults(handler=cmd_learn)

    p = sub.add_parser("export", help="export a table as CSV, JSON or Parquet")
    p.add_argument("what", choices=EXPORTS)
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("--out", metavar="FILE", help="where to write (default: standard output)")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("report", help="write the post-event report as one self-contained HTML file")
    p.add_argument("--out", default="report.html", metavar="FILE")
    p.add_argument("--pdf", action="store_true", help="also write a PDF beside it")
    p.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="FOLDER",
        help="another edition's report data folder to compare with (repeat for several: a ranking across events)",
    )
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("publish", help="write the public wall as static files for any web server, every N seconds")
    p.add_argument("out", metavar="FOLDER", help="where the site goes (a link to its latest version)")
    p.add_argument("--every", type=int, default=15, metavar="SECONDS", help="seconds between cycles (default: 15)")
    p.add_argument("--once", action="store_true", help="write it once and exit")
    p.add_argument("--site-url", default="", metavar="URL", help="the address the folder is served at (for feeds)")
    p.set_defaults(handler=cmd_publish)

    p = sub.add_parser("alerts", help="run the alert rules and tell the organisers (Ctrl-C stops)")
    p.add_argument("--once", action="store_true", help="run the rules once and exit (for cron)")
    p.set_defaults(handler=cmd_alerts)

    p = sub.add_parser("up", help="the demo (or the collectors) and the dashboard together")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--live", action="store_true", help="run the real collectors instead of the demo")
    p.add_argument("--speed", type=_speed, default=60.0, help="demo speed (default: 60)")
    p.set_defaults(handler=cmd_up)
    return parser


def write_config(path: Path) -> int:
    """``init`` without a config: write the starter one (never over a file that appeared meanwhile)."""
    if not write_starter_config(path):
        print(f"error: {path} exists; init never overwrites a config", file=sys.stderr)
        return 2
    print(
        f"wrote {path}: a starter config with the demo's settings and placeholders (marked CHANGE).\n"
        f"Edit it for your event, then run `python -m summitpulse --config {path} init` again to check it "
        "and create the database."
    )
    return 0


def cmd_init(config: Config, args) -> int:
    engine = open_store(config.effective_database_url, config)
    print(f"config OK: {config.event.name}; database ready at {engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_demo(config: Config, args) -> int:
    from ..demo import run_demo

    return run_demo(
        config,
        open_store(config.demo_database_url, config),
        speed=args.speed,
        reset=args.reset,
        archive=args.archive,
    )


def cmd_collect(config: Config, args) -> int:
    from collectors.scheduler import run_collectors

    return run_collectors(config, _event_store(config), once=args.once, network=args.network)


def cmd_import(config: Config, args) -> int:
    from ..ingest import import_files

    return import_files(config, _event_store(config), [Path(f) for f in args.files])


def _event_store(config: Config):
    """The event's store, for the commands that write posts into it: never the demo's."""
    engine = open_store(config.effective_database_url, config)
    refuse_demo_store(engine)
    return engine


def cmd_rebuild(config: Config, args) -> int:
    from ..figures import rebuild_store

    engine = open_store(config.effective_database_url)
    started = time.perf_counter()
    posts = rebuild_store(engine, config)
    print(
        f"rebuild: the figures of {posts:,} posts recomputed under {args.config} ({time.perf_counter() - started:.1f} s)"
    )
    return 0


def cmd_learn(config: Config, args) -> int:
    from ..figures.event_model import learn

    summary = learn(open_store(config.effective_database_url, config))
    print("learn: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    return 0


def cmd_export(config: Config, args) -> int:
    from ..outputs.export import export

    return export(config, open_store(config.effective_database_url, config), args.what, args.format, args.out)


def cmd_report(config: Config, args) -> int:
    from ..outputs.report import write_report

    return write_report(
        config,
        open_store(config.effective_database_url, config),
        Path(args.out),
        pdf=args.pdf,
        compare=[Path(f) for f in args.compare],
    )


def cmd_publish(config: Config, args) -> int:
    from ..outputs.publish import publish

    if args.every < 1:
        print("error: --every needs at least 1 second", file=sys.stderr)
        return 2
    return publish(
        config, open_store(config.effective_database_url, config), Path(args.out), args.every, args.once, args.site_url
    )


def cmd_alerts(config: Config, args) -> int:
    from ..alerts import run_alerts

    return run_alerts(config, open_store(config.effective_database_url, config), once=args.once)


def cmd_up(config: Config, args) -> int:
    from .up import run_up

    return run_up(config, args.config, port=args.port, live=args.live, speed=args.speed)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_redaction()
    if args.command == "init" and not Path(args.config).exists():
        return write_config(Path(args.config))
    try:
        return args.handler(load_config(args.config), args)
    except ConfigError as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except StoreOwnerError as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OperationalError as exc:
        reason = redact(redact_url(str(getattr(exc, "orig", exc)).splitlines()[0]))
        print(
            f"error: cannot use the database ({reason}); check SUMMITPULSE_DATABASE_URL or database_url",
            file=sys.stderr,
        )
        return 1
