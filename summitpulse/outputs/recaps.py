"""A session recap (``analysis.recaps``) as an HTML fragment, the same on the pages and in the report."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from ..settings.config import Config
from ..settings.social import shown

TEMPLATES = Environment(loader=PackageLoader("summitpulse.outputs", "templates"), autoescape=select_autoescape(["j2"]))
TEMPLATES.filters["handle"] = lambda card: shown(card["network"], card["handle"])  # @name, as the wall writes it
STYLE = """<style>
.sp-recap { border-left: 4px solid var(--sp-accent, #0f766e); padding: .3rem .9rem; margin: .6rem 0 1rem; overflow-wrap: anywhere; }
.sp-recap ul { margin: .2rem 0 .6rem; padding-left: 1.2rem; } .sp-recap li { margin: .2rem 0; unicode-bidi: plaintext; }
.sp-recap .sp-note { color: var(--sp-muted, #475569); } .sp-term { font-weight: 700; }
.sp-cite { font-size: .85em; white-space: nowrap; }
</style>"""


def recap_html(config: Config, recap: dict) -> str:
    """``recap`` as HTML: every line with links to the posts it comes from."""
    return TEMPLATES.get_template("recap.html.j2").render(r=recap, tz=config.event.tz)
