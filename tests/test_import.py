"""Import: the shared real payloads, the demo's own archives, TAGS CSV, broken lines — twice without change."""

import gzip
import json
import os
import subprocess
import sys

import yaml
from sqlalchemy import text

from summitpulse.cli.exits import PARTLY_DONE
from summitpulse.ingest import import_files

from .conftest import ROOT


def _posts(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT network, native_id, text, like_count FROM posts ORDER BY 1, 2")).all()


def _archives(fixtures_dir, tmp_path):
    """The shared fixtures as the files people have: X pages, a Mastodon page, a PostView, Jetstream JSONL."""
    cassette = yaml.safe_load((fixtures_dir / "mastodon/test_pagination_iterator.yaml").read_text())
    pages = [
        i["response"]["body"]["string"] for i in cassette["interactions"] if "timelines/tag" in i["request"]["uri"]
    ]
    (tmp_path / "mastodon.jsonl").write_text(
        "".join(s + "\n" for page in pages for s in map(json.dumps, json.loads(page)))
    )
    view = json.loads((fixtures_dir / "bluesky/thread_view_post_with_embed_media.json").read_text())["thread"]["post"]
    (tmp_path / "postview.json").write_text(json.dumps(view))
    return [
        *sorted((fixtures_dir / "x").glob("docs_*.json")),
        tmp_path / "mastodon.jsonl",
        tmp_path / "postview.json",
        fixtures_dir / "bluesky/jetstream_expected_v1.jsonl",
    ]


def test_the_shared_fixtures_import_and_a_second_run_changes_nothing(
    config, sqlite_engine, fixtures_dir, tmp_path, capsys
):
    files = _archives(fixtures_dir, tmp_path)
    assert import_files(config, sqlite_engine, files) == PARTLY_DONE  # one X docs example has no author_id
    first = _posts(sqlite_engine)
    assert import_files(config, sqlite_engine, files) == PARTLY_DONE
    assert _posts(sqlite_engine) == first
    networks = {n for n, *_ in first}
    assert networks == {"x", "mastodon", "bluesky"}
    summaries = [line for line in capsys.readouterr().out.splitlines() if line.startswith("import: read")]
    assert len(summaries) == 2 and "new 0" in summaries[1] and "new 0" not in summaries[0]


def test_an_import_keeps_the_figures_exact_from_its_workers_batches(config, sqlite_engine, fixtures_dir, tmp_path):
    from summitpulse.analysis import metrics
    from summitpulse.analysis.filters import Filters

    from .test_analysis import counting_under
    from .test_figures import assert_exact

    counting_under(sqlite_engine, config)
    files = _archives(fixtures_dir, tmp_path)
    assert import_files(config, sqlite_engine, files) == PARTLY_DONE  # one X docs example has no author_id
    # again: every post already stored, nothing counted twice
    assert import_files(config, sqlite_engine, files) == PARTLY_DONE
    with sqlite_engine.connect() as conn:
        assert_exact(conn, config)
        imported = conn.execute(text("SELECT count(*) FROM posts WHERE deleted_ts IS NULL")).scalar()
        assert metrics.headline(conn, config, Filters(), 0)["posts"] == imported > 0


def test_a_bluesky_thread_view_imports_its_post_parents_and_replies_once(config, sqlite_engine, fixtures_dir, tmp_path):
    import copy

    view = json.loads((fixtures_dir / "bluesky/thread_view_post_with_embed_media.json").read_text())
    root = view["thread"]["post"]

    def node(name: str, **more) -> dict:
        post = copy.deepcopy(root) | {"uri": root["uri"][:-5] + name, "cid": root["cid"][:-5] + name}
        post["record"] = post["record"] | {"text": f"{name} #SoMeSummit"}
        return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, **more}

    gone = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": root["uri"][:-5] + "gone0", "notFound": True}
    view["thread"] |= {
        "parent": node("prnt0", parent=node("prnt1")),
        "replies": [node("rply0", replies=[node("rply1"), gone]), gone, view["thread"] | {}],
    }
    archive = tmp_path / "thread.json"
    archive.write_text(json.dumps(view))
    assert import_files(config, sqlite_engine, [archive]) == 0
    imported = {native_id[-5:] for _, native_id, *_ in _posts(sqlite_engine)}
    assert imported == {root["uri"][-5:], "prnt0", "prnt1", "rply0", "rply1"}
    assert import_files(config, sqlite_engine, [archive]) == 0 and len(_posts(sqlite_engine)) == 5


def test_broken_lines_are_reported_with_file_and_line_and_the_rest_imported(
    config, sqlite_engine, fixtures_dir, tmp_path, capsys
):
    good = (fixtures_dir / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines()
    tagged = [line for line in good if "#tag" in line]
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([tagged[0], '{"truncated": ', "[1, 2, 3]", tagged[1]]) + "\n")
    import_files(config, sqlite_engine, [broken])
    err = capsys.readouterr().err
    assert f"{broken}:2: not JSON" in err
    assert f"{broken}:3: not an X, Mastodon or Bluesky record" in err


def test_gzipped_archives_import_as_their_plain_selves(config, sqlite_engine, fixtures_dir, tmp_path):
    from summitpulse.ingest.detect import records

    plain = fixtures_dir / "bluesky/jetstream_expected_v1.jsonl"
    packed = tmp_path / "jetstream.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    page = sorted((fixtures_dir / "x").glob("docs_*.json"))[0]
    (tmp_path / "page.json.gz").write_bytes(gzip.compress(page.read_bytes()))
    for original, compressed in ((plain, packed), (page, tmp_path / "page.json.gz")):
        assert [r[1:] for r in records(compressed)] == [r[1:] for r in records(original)]


def test_an_x_place_tag_keeps_its_box_and_no_point(fixtures_dir):
    """X's documented tweet with a place (no coordinates): the place's box is kept; its centre is no geotag."""
    from summitpulse.normalise import normalise

    page = json.loads((fixtures_dir / "x/docs_tweet_with_place.json").read_text())
    page["data"][0]["author_id"] = "2244994945"  # the documented example leaves it out
    (post,) = normalise("x_page", page).posts
    assert (post.latitude, post.longitude, post.place) == (None, None, "Manhattan, NY")
    assert post.place_box == (-74.026675, 40.683935, -73.910408, 40.877483)


def test_a_line_that_is_not_utf8_is_read_with_replacement_characters(config, sqlite_engine, tmp_path):
    from summitpulse.ingest.detect import records

    status = (
        '{"id": "1", "uri": "https://med.example/s/1", "created_at": "2014-10-22T14:00:00Z", '
        '"account": {"id": "9", "acct": "ana@med.example", "username": "ana"}, '
        '"content": "<p>Caf\xe9 chat #SoMeSummit</p>"}'
    )
    archive = tmp_path / "latin1.jsonl"
    archive.write_bytes(status.encode("latin-1") + b"\n")
    ((where, kind, payload, problem),) = records(archive)
    assert (kind, problem) == ("mastodon_statuses", "")
    assert payload[0]["content"] == "<p>Caf\ufffd chat #SoMeSummit</p>"


def test_a_tags_spreadsheet_imports(config, sqlite_engine, tmp_path):
    sheet = tmp_path / "tags.csv"
    sheet.write_text(
        "id_str,from_user,text,created_at,time,geo_coordinates,user_lang,in_reply_to_user_id_str,"
        "in_reply_to_screen_name,from_user_id_str,in_reply_to_status_id_str,source,profile_image_url,"
        "user_followers_count,user_friends_count,user_location,status_url,entities_str\n"
        "524935155112914944,drsherbino,Great start to #SoMeSummit,Wed Oct 22 12:31:05 +0000 2014,,"
        '"loc: 43.6505,-79.3839",en,,,16442937,,web,https://pbs.twimg.com/a.jpg,5000,300,Toronto,,\n'
        ",nobody,no id,Wed Oct 22 12:31:05 +0000 2014,,,,,,,,,,,,,,\n"
    )
    import_files(config, sqlite_engine, [sheet])
    with sqlite_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT p.text, p.latitude, a.handle, a.followers, p.matched_tags FROM posts p "
                "JOIN authors a USING (network, author_id)"
            )
        ).one()
    assert row == ("Great start to #SoMeSummit", 43.6505, "drsherbino", 5000, '["somesummit"]')


def _cli(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summitpulse", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**os.environ, "SUMMITPULSE_DATABASE_URL": db, "SUMMITPULSE_DEMO_DATABASE_URL": db},
    )


def test_the_demos_own_archive_imports_through_the_cli(tmp_path):
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert _cli(source, "demo", "--speed", "max", "--archive", str(tmp_path / "arch")).returncode == 0
    files = [str(tmp_path / "arch" / f) for f in ("x.jsonl", "mastodon.jsonl", "bluesky.jsonl")]
    first = _cli(target, "import", *files)
    second = _cli(target, "import", *files)
    assert first.returncode == 0 and "rejected 0" in first.stdout and "new 0" in second.stdout
    exported = _cli(target, "export", "posts").stdout
    original = _cli(source, "export", "posts").stdout
    assert len(exported.splitlines()) == len(original.splitlines()) >= 3000
