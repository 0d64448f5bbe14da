"""``report``: the post-event report as one self-contained HTML file (and a PDF with --pdf).

Plotly's library is embedded once, inline; images are the posts' own data
URIs or nothing; so the file opens offline and makes no request. The data
files of the appendix (CSV and Parquet) are written beside it.
"""
from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs
from sqlalchemy import Engine
from tqdm import tqdm

from ..config import Config
from ..export import EXPORTS
from ..frames import write_csv
from ..analysis.tallies import Tallies
from ..palette import NETWORK_NAMES, short_number
from .sections import gather

TEMPLATES = Environment(loader=PackageLoader("summitpulse.report", "templates"),
                        autoescape=select_autoescape(["html", "j2"]))
TEMPLATES.filters |= {"short": short_number, "network": lambda n: NETWORK_NAMES.get(n, n)}


def build_report_html(config: Config, engine: Engine, data_dir: str = "", progress=None,
                      shared: dict | None = None, tallies: Tallies | None = None) -> str:
    """The whole report as HTML text; ``data_dir`` is where the appendix's files are linked. ``tallies``: the
    caller's own, up to date (the dashboard's); otherwise they go on from the store's snapshot, if there is one."""
    tallies = tallies or Tallies.resumed(engine, config)
    if progress is not None:
        progress.update()
    with engine.connect() as conn:
        context = gather(conn, config, tallies, progress, shared)
    return TEMPLATES.get_template("report.html.j2").render(plotly_js=get_plotlyjs(), data_dir=data_dir,
                                                          files=list(EXPORTS), **context)


def write_data_files(config: Config, engine: Engine, folder: Path, shared: dict | None = None,
                     names: tuple[str, ...] = tuple(EXPORTS)) -> None:
    """The appendix's CSV and Parquet files (of ``names``); ``shared`` reuses what the report already computed."""
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        for name in names:
            frame = EXPORTS[name](conn, config, shared)
            write_csv(frame, folder / f"{name}.csv")
            frame.to_parquet(folder / f"{name}.parquet", index=False)


def _posts_file_aside(config: Config, engine: Engine, folder: Path):
    """Start writing the posts data file in a forked process (it needs nothing the report computes, and is the
    longest part: half a minute at a million posts); returns a function that waits for it and says if it failed.
    Where fork is not available the file is written now."""
    if "fork" not in multiprocessing.get_all_start_methods():
        write_data_files(config, engine, folder, names=("posts",))
        return lambda: None
    child = multiprocessing.get_context("fork").Process(target=_write_posts_file, args=(config, engine, folder),
                                                        daemon=True)  # ends with the report if it is stopped
    child.start()

    def finish() -> None:
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"writing the posts data file failed (exit status {child.exitcode}; see above)")
    return finish


def _write_posts_file(config: Config, engine: Engine, folder: Path) -> None:
    engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    write_data_files(config, engine, folder, names=("posts",))


def print_pdf(html: Path, pdf: Path) -> bool:
    """Headless Chromium's print-to-PDF; False when no chromium is installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return False
    subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                   check=True, capture_output=True, timeout=180)
    return True


def write_report(config: Config, engine: Engine, out: Path, pdf: bool = False, progress=None) -> int:
    """The report at ``out``, its data files in a folder beside it, and with ``pdf`` a PDF."""
    folder = out.with_name(out.stem + "_data")
    folder.mkdir(parents=True, exist_ok=True)
    with tqdm(total=10, desc="report", unit="section", disable=progress is not None or not sys.stderr.isatty()) as bar:
        posts_written = _posts_file_aside(config, engine, folder)
        shared: dict = {}
        html = build_report_html(config, engine, data_dir=folder.name, progress=progress or bar, shared=shared)
        write_data_files(config, engine, folder, shared, names=tuple(n for n in EXPORTS if n != "posts"))
        posts_written()
        (progress or bar).update()
    out.write_text(html, encoding="utf-8")
    print(f"wrote {out} and its data files in {folder}/")
    if pdf:
        target = out.with_suffix(".pdf")
        if not print_pdf(out, target):
            print("error: --pdf needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
            return 2
        print(f"wrote {target}")
    return 0
