"""``report``: the post-event report as one self-contained HTML file (and a PDF with --pdf).

Plotly's library is embedded once, inline; images are the posts' own data
URIs or nothing; so the file opens offline and makes no request. The data
files of the appendix (CSV and Parquet) are written beside it.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs
from sqlalchemy import Engine
from tqdm import tqdm

from ...analysis.frames import write_csv
from ...analysis.visibility import naming, opted_out_accounts, scrub
from ...forked import die_with_parent
from ...settings.config import Config
from ...ui.palette import NETWORK_NAMES, short_number
from ..export import EXPORTS
from .compare import EditionError, comparison_html, read_edition, write_edition
from .sections import collection, gather, step

COMPARISON_MARK = "<!-- editions compared (report --compare) -->"  # where report.html.j2 takes the section
PLOTLY_MARK = "/* plotly.js */"  # the library goes in after the report's text is cleared of opted-out names

TEMPLATES = Environment(
    loader=PackageLoader("summitpulse.outputs.report", "templates"), autoescape=select_autoescape(["html", "j2"])
)
TEMPLATES.filters |= {"short": short_number, "network": lambda n: NETWORK_NAMES.get(n, n)}


def build_report_html(
    config: Config,
    engine: Engine,
    data_dir: str = "",
    progress=None,
    shared: dict | None = None,
    collected: Callable[[], dict] | None = None,
) -> str:
    """The whole report as HTML text; ``data_dir`` is where the appendix's files are linked. ``collected``: waits
    for ``sections.collection`` computed elsewhere (otherwise it is computed here)."""
    step(progress)
    with engine.connect() as conn:
        context = gather(conn, config, progress, shared)
        context |= collected() if collected else collection(conn, config)
        pattern = naming(opted_out_accounts(conn, config))
    step(progress)
    html = TEMPLATES.get_template("report.html.j2").render(
        plotly_js=PLOTLY_MARK, data_dir=data_dir, files=list(EXPORTS), **context
    )
    return scrub(pd.DataFrame({"html": [html]}), pattern).html[0].replace(PLOTLY_MARK, get_plotlyjs(), 1)


def write_data_files(
    config: Config, engine: Engine, folder: Path, shared: dict | None = None, names: tuple[str, ...] = tuple(EXPORTS)
) -> None:
    """The appendix's CSV and Parquet files (of ``names``); ``shared`` reuses what the report already computed."""
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        for name in names:
            frame = EXPORTS[name](conn, config, shared)
            write_csv(frame, folder / f"{name}.csv")
            frame.to_parquet(folder / f"{name}.parquet", index=False)


def report_archive(config: Config, engine: Engine, compare: list[Path] = ()) -> tuple[bytes, str]:
    """The report as one zip, for a download: ``report/report.html`` and its data files in ``report/report_data/``
    beside it, where the report's appendix links them; with ``compare`` (other editions' data folders), also the
    comparison section alone, for the page to show ("" without). EditionError names a folder that is not one."""
    others = [Path(f) for f in compare]
    for other in others:  # a wrong folder stops the report before its work
        read_edition(other)
    with tempfile.TemporaryDirectory() as tmp:
        folder, shared = Path(tmp) / "report_data", {}
        html = build_report_html(config, engine, data_dir=folder.name, shared=shared)
        write_data_files(config, engine, folder, shared)
        write_edition(config, folder)  # the downloaded data folder can itself be compared with, another year
        comparison = comparison_html(folder, others) if others else ""
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("report/report.html", html.replace(COMPARISON_MARK, comparison, 1))
            for path in sorted(folder.iterdir()):
                out.write(path, f"report/report_data/{path.name}")
    return archive.getvalue(), comparison


class Aside:
    """A forked process doing the report's work that needs nothing the report computes, on the second core:
    the collection sections (``collected``), then the posts data file (``finish`` waits for it). Where fork is not available both are done at once, here."""

    def __init__(self, config: Config, engine: Engine, folder: Path):
        if "fork" not in multiprocessing.get_all_start_methods():
            with engine.connect() as conn:
                self.figures = collection(conn, config)
            write_data_files(config, engine, folder, names=("posts",))
            self.child = None
            return
        fork = multiprocessing.get_context("fork")
        self.figures, (self.reader, writer) = None, fork.Pipe(duplex=False)
        self.child = fork.Process(
            target=_aside, args=(os.getpid(), config, engine, folder, writer), daemon=True
        )  # ends with the report however it is stopped
        self.child.start()
        writer.close()  # the child's alone: its end of file says it died

    def collected(self) -> dict:
        """``sections.collection``, once the process has it."""
        if self.figures is None:
            try:
                self.figures = self.reader.recv()
            except EOFError:
                self.finish()
        return self.figures

    def finish(self) -> None:
        """Wait for the posts data file; a failure in the process fails the report."""
        if self.child is None:
            return
        self.child.join()
        if self.child.exitcode != 0:
            raise RuntimeError(
                f"the report's second process (collection figures, then the posts data file) failed "
                f"(exit status {self.child.exitcode}; see above)"
            )


def _aside(parent: int, config: Config, engine: Engine, folder: Path, writer) -> None:
    die_with_parent(parent)
    engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    with engine.connect() as conn:
        writer.send(collection(conn, config))
    writer.close()
    write_data_files(config, engine, folder, names=("posts",))


def print_pdf(html: Path, pdf: Path) -> bool:
    """Headless Chromium's print-to-PDF; False when no chromium is installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return False
    subprocess.run(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return True


def write_report(
    config: Config, engine: Engine, out: Path, pdf: bool = False, progress=None, compare: list[Path] = ()
) -> int:
    """The report at ``out``, its data files in a folder beside it, and with ``pdf`` a PDF; ``compare``: other
    editions' data folders, set against this one in a section of their own."""
    folder = out.with_name(out.stem + "_data")
    try:
        for other in compare:  # a wrong folder stops the report before its work
            read_edition(other)
    except EditionError as exc:
        print(f"error: --compare {exc}", file=sys.stderr)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    with tqdm(total=10, desc="report", unit="section", disable=progress is not None or not sys.stderr.isatty()) as bar:
        aside, shared = Aside(config, engine, folder), {}
        html = build_report_html(
            config, engine, data_dir=folder.name, progress=progress or bar, shared=shared, collected=aside.collected
        )
        write_data_files(config, engine, folder, shared, names=tuple(n for n in EXPORTS if n != "posts"))
        aside.finish()
        write_edition(config, folder)
        (progress or bar).update()
    if compare:
        html = html.replace(COMPARISON_MARK, comparison_html(folder, list(compare)), 1)
    out.write_text(html, encoding="utf-8")
    print(f"wrote {out} and its data files in {folder}/")
    if pdf:
        target = out.with_suffix(".pdf")
        if not print_pdf(out, target):
            print("error: --pdf needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
            return 2
        print(f"wrote {target}")
    return 0
