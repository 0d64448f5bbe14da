"""The published wall in a real headless Chromium, served over HTTP: hostile posts stay text, it fits a phone and
a projector, and it works inside another site's <iframe>."""

from __future__ import annotations

import functools
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summitpulse.analysis import moderation
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.outputs.publish import publish
from summitpulse.store.engine import ingest, open_store

from .browser import SCREENSHOTS, chrome, require_browser

pytestmark = pytest.mark.browser
HOSTILE = [
    '<script>document.title="pwned"</script>',
    "<img src=x onerror=\"document.title='pwned'\">",
    "<a href=\"javascript:document.title='pwned'\">click</a>",
    "\u202eevil reversed text",
    "Z\u0351\u0352\u0353" * 400,
    "long" * 2500,
    "</bdi></p></article><iframe src=javascript:alert(1)>",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory, request):
    require_browser()
    from summitpulse.settings.config import load_config

    from .conftest import ROOT

    folder = tmp_path_factory.mktemp("publish")
    engine = open_store(f"sqlite:///{folder / 'hostile.db'}")
    now = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    posts = [
        Post("x", str(i), "9", now.replace(minute=9 - i), text + " #SoMeSummit", url=f"https://x.com/h/status/{i}")
        for i, text in enumerate(HOSTILE)
    ]
    author = Author("x", "9", "h", "<img src=y onerror=\"document.title='pwned'\">", avatar_url="javascript:alert(1)")
    ingest(engine, Batch(posts=posts, authors=[author]))
    with engine.begin() as conn:
        for p in posts:
            moderation.set_status(conn, "x", p.native_id, "approved", "test", "tester")
        conn.exec_driver_sql(f"INSERT INTO meta (key, value) VALUES ('clock_ts', '{int(now.timestamp()) + 960}')")
    assert publish(load_config(ROOT / "config.yaml"), engine, folder / "site", every=30, once=True) == 0
    (folder / "host.html").write_text(
        "<!doctype html><title>conference site</title><h1>Our conference</h1>"
        '<iframe id="wall" src="site/embed.html" width="800" height="600" title="Live wall"></iframe>'
    )
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("width, height", [(1920, 1080), (1024, 768), (390, 844)])
def test_hostile_posts_stay_text_at_every_size(served, width, height):
    driver = chrome(width, height)
    try:
        driver.get(served + "/site/index.html")
        cards = driver.find_elements("css selector", "article.card")
        SCREENSHOTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"publish-hostile-{width}.png"))
        assert driver.title != "pwned" and len(cards) == len(HOSTILE)
        assert not driver.find_elements(
            "css selector", "main script, main iframe, main img[onerror], a[href^='javascript']"
        )
        texts = " ".join(c.text for c in cards)
        assert '<script>document.title="pwned"</script>' in texts and "<iframe src=javascript:alert(1)>" in texts
        overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        assert driver.execute_script(overflow) <= 0  # nothing wider than the screen
    finally:
        driver.quit()


def test_the_embed_lives_in_another_sites_iframe(served):
    driver = chrome(1280, 800)
    try:
        driver.get(served + "/host.html")
        driver.switch_to.frame(driver.find_element("id", "wall"))
        assert len(driver.find_elements("css selector", "article.card")) == len(HOSTILE)
        driver.switch_to.default_content()
        driver.save_screenshot(str(SCREENSHOTS / "publish-iframe.png"))
        assert driver.title == "conference site"
    finally:
        driver.quit()
