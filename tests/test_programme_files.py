"""Programme files: real iCalendar, pretalx/frab and Sessionize exports (tests/data/programme/README.md says
where each comes from), merged into the programme; hostile files refused with the field and the fix."""

import json
import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from summitpulse.settings.config import ConfigError, parse_config

from .conftest import ROOT, dashboard_app
from .test_config import _good

DATA = ROOT / "tests/data/programme"


def _config(tmp_path, field, name, start, end, timezone, **extra):
    """The demo config for an event from ``start`` to ``end`` (venue time) with a programme file."""
    data = _good()
    data["event"].update(timezone=timezone, start=start, end=end)
    data["programme"] = {"sessions": [], field: str(name), **extra.pop("programme", {})}
    data.update(extra)
    return parse_config(data, base_dir=str(tmp_path))


def _at(text: str, zone: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


# (field, file, time zone, event start, event end, sessions kept, first session: title start, its start, end, room)
REAL = [
    (
        "ics",
        "pretalx-pyconau-2023.ics",
        "Australia/Adelaide",
        "2023-08-18T08:00:00+09:30",
        "2023-08-20T18:00:00+09:30",
        94,
        "Specialist Tracks Combined Opening Address - Pedro Junqueira, Jack Skinner",
        "2023-08-18T09:00:00",
        "2023-08-18T09:20:00",
        "Hall C (Plenary)",
    ),
    (
        "ics",
        "pyconuk-2015.ics",
        "Europe/London",
        "2015-09-18T08:00:00+01:00",
        "2015-09-22T18:00:00+01:00",
        157,  # of 162: five evening events have a start and no end, so last no time (RFC 5545) and are left out
        "Registration / Breakfast",
        "2015-09-18T08:00:00",
        "2015-09-18T09:30:00",
        "Cafeteria",
    ),
    (
        "pretalx",
        "pretalx-rc3-channels-2020.json",
        "Europe/Berlin",
        "2020-12-27T04:00:00+01:00",
        "2020-12-31T04:00:00+01:00",
        48,
        "Der faule Admin automatisiert: Gluon auf echter Hardware testen",
        "2020-12-27T11:30:00",
        "2020-12-27T12:10:00",
        "r3s - Monheim/Rhein",
    ),
    (
        "pretalx",
        "frab-camp2019.json",
        "Europe/Berlin",
        "2019-08-21T00:00:00+02:00",
        "2019-08-26T23:59:00+02:00",
        79,
        "Opening Ceremony",
        "2019-08-21T11:00:00",
        "2019-08-21T11:30:00",
        "Curie",
    ),
    (
        "sessionize",
        "sessionize-dddmelbourne-2024.json",
        "Australia/Melbourne",
        "2024-03-16T08:00:00+11:00",
        "2024-03-16T19:00:00+11:00",
        26,
        "Will AI Coding Assistants like GitHub CoPilot Make Me Irrelevant?",
        "2024-03-16T09:00:00",
        "2024-03-16T09:45:00",
        "Grand Ultra Ballroom",
    ),
    (
        "sessionize",
        "sessionize-dddmelbourne-2025.json",
        "Australia/Melbourne",
        "2025-02-22T08:00:00+11:00",
        "2025-02-22T19:00:00+11:00",
        28,
        "Emerging trends in robotics",
        "2025-02-22T09:00:00",
        "2025-02-22T09:45:00",
        "Main hall",
    ),
]


@pytest.mark.parametrize(
    "field, name, zone, start, end, count, title, first, until, room", REAL, ids=[r[1] for r in REAL]
)
def test_real_exports_become_the_programme(tmp_path, field, name, zone, start, end, count, title, first, until, room):
    config = _config(tmp_path, field, DATA / name, start, end, zone)
    sessions = config.programme.sessions
    assert len(sessions) == count
    opening = next(s for s in sessions if s.title.startswith(title))
    assert (opening.start, opening.end, opening.room) == (_at(first, zone), _at(until, zone), room)
    assert all(s.end > s.start and s.start.tzinfo is not None for s in sessions)
    assert [s.start for s in sessions] == sorted(s.start for s in sessions)


def test_folded_lines_and_escapes_of_a_real_calendar_are_undone(tmp_path):
    *_, config = [_config(tmp_path, "ics", DATA / "pyconuk-2015.ics", *REAL[1][3:5], "Europe/London")]
    titles = {s.title for s in config.programme.sessions}
    assert "Real-Time Data + Django = Fun,Growth + Profit (talk by Rachel Willmer)" in titles  # folded, "\,"
    assert "Keynote: Van Lindberg, PSF Chair" in titles
    keynote = next(s for s in config.programme.sessions if s.title == "Keynote: Van Lindberg, PSF Chair")
    assert keynote.kind == "keynote"


def test_a_speakers_x_link_in_a_real_sessionize_export_becomes_a_speaker_account(tmp_path):
    config = _config(tmp_path, "sessionize", DATA / "sessionize-dddmelbourne-2024.json", *REAL[4][3:5], REAL[4][2])
    speakers = {a for s in config.programme.sessions for a in s.speakers}
    assert {"x:julielerman", "x:slace", "x:SusanBrander", "x:jaswanth_m"} <= speakers  # www.twitter.com too
    assert all(a.split(":", 1)[0] in ("x", "bluesky", "mastodon") for a in speakers)
    # a speaker with only a company website and LinkedIn has no account
    assert len(speakers) == 21


def test_a_track_naming_a_theme_gives_the_theme_and_the_config_wins_over_the_file(tmp_path):
    data = _good()
    data["event"].update(timezone="Europe/Berlin", start="2019-08-21T00:00:00+02:00", end="2019-08-26T23:59:00+02:00")
    data["themes"].append({"name": "CCC", "keywords": ["chaos"]})
    opening = {
        "title": "Opening Ceremony",
        "start": "2019-08-21T11:00:00+02:00",
        "end": "2019-08-21T11:45:00+02:00",
        "room": "Curie",
        "hashtag": "#cccamp19",
        "kind": "plenary",
    }
    data["programme"] = {"pretalx": str(DATA / "frab-camp2019.json"), "sessions": [opening]}
    sessions = parse_config(data, base_dir=str(ROOT)).programme.sessions
    assert len(sessions) == 79
    mine = [s for s in sessions if s.title == "Opening Ceremony"]
    assert len(mine) == 1 and (mine[0].hashtag, mine[0].kind, mine[0].end.minute) == ("#cccamp19", "plenary", 45)
    tracked = json.loads((DATA / "frab-camp2019.json").read_text())["schedule"]["conference"]["days"]
    ccc = {t["title"] for d in tracked for talks in d["rooms"].values() for t in talks if t.get("track") == "CCC"}
    assert ccc and all(s.theme == "CCC" for s in sessions if s.title in ccc and s.title != "Opening Ceremony")


def test_only_sessions_of_the_event_are_kept_and_a_file_of_another_event_is_refused(tmp_path):
    config = _config(
        tmp_path, "ics", DATA / "pyconuk-2015.ics", "2015-09-19T00:00:00+01:00", "2015-09-19T23:59:00+01:00", "UTC"
    )
    assert config.programme.sessions and all(s.start.day in (18, 19) for s in config.programme.sessions)
    assert len(config.programme.sessions) < 157
    with pytest.raises(ConfigError, match=r"programme.ics: .*none of its 157 sessions falls between event.start"):
        _config(
            tmp_path, "ics", DATA / "pyconuk-2015.ics", "2030-01-01T08:00:00+00:00", "2030-01-01T18:00:00+00:00", "UTC"
        )


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//hand-written for this test//EN\r
{events}END:VCALENDAR\r
"""


def _ics(tmp_path, *events: str):
    path = tmp_path / "programme.ics"
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    path.write_text(ICS.format(events=body), newline="")
    return path


DAY = ("2014-10-22T08:00:00-04:00", "2014-10-22T17:30:00-04:00", "America/Toronto")


def test_all_day_events_are_left_out_and_floating_times_are_the_venues(tmp_path):
    path = _ics(
        tmp_path,
        "SUMMARY:Conference day one\nDTSTART;VALUE=DATE:20141022\nDTEND;VALUE=DATE:20141023",
        "SUMMARY:Floating\nDTSTART:20141022T100000\nDURATION:PT45M",
        "SUMMARY:In UTC\nDTSTART:20141022T150000Z\nDTEND:20141022T160000Z",
        "SUMMARY:Zoned\nDTSTART;TZID=Europe/Paris:20141022T200000\nDTEND;TZID=Europe/Paris:20141022T210000",
        "SUMMARY:No time at all\nDTSTART:20141022T120000Z",
        "SUMMARY:Called off\nSTATUS:CANCELLED\nDTSTART:20141022T130000Z\nDTEND:20141022T140000Z",
    )
    sessions = {s.title: s for s in _config(tmp_path, "ics", path, *DAY).programme.sessions}
    assert set(sessions) == {"Floating", "In UTC", "Zoned"}
    assert sessions["Floating"].start == _at("2014-10-22T10:00:00", "America/Toronto")
    assert sessions["Floating"].end == _at("2014-10-22T10:45:00", "America/Toronto")
    assert sessions["In UTC"].start == _at("2014-10-22T11:00:00", "America/Toronto")
    assert sessions["Zoned"].start == _at("2014-10-22T14:00:00", "America/Toronto")


@pytest.mark.parametrize(
    "event, message",
    [
        ("SUMMARY:Time travel\nDTSTART:20141022T150000Z\nDTEND:20141022T140000Z", "'Time travel'.*must end after"),
        ("SUMMARY:Where\nDTSTART;TZID=Nowhere/Land:20141022T100000\nDURATION:PT1H", "unknown time zone 'Nowhere/Land'"),
        ("SUMMARY:When\nDTSTART:tomorrow-ish\nDURATION:PT1H", "'When': DTSTART 'tomorrow-ish' is not a date"),
    ],
)
def test_a_calendar_event_that_cannot_be_a_session_is_refused_with_its_title(tmp_path, event, message):
    path = _ics(tmp_path, event)
    with pytest.raises(ConfigError, match=rf"programme.ics: {path}: .*{message}"):
        _config(tmp_path, "ics", path, *DAY)


def _hostile(tmp_path, name: str, content: bytes) -> object:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_session_ending_before_it_starts_in_real_exports_is_refused_with_its_title(tmp_path):
    doc = json.loads((DATA / "sessionize-dddmelbourne-2025.json").read_text())
    doc["sessions"][0]["endsAt"] = "2025-02-22T08:15:00"
    path = _hostile(tmp_path, "all.json", json.dumps(doc).encode())
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, "sessionize", path, *REAL[5][3:5], REAL[5][2])
    assert "programme.sessionize" in str(err.value) and "'Emerging trends in robotics'" in str(err.value)
    assert "must end after it starts" in str(err.value) and "where the file comes from" in str(err.value)


@pytest.mark.parametrize(
    "field, content, message",
    [
        ("ics", b"\x89PNG\r\n\x1a\n\x00\x00", "not an iCalendar file"),
        ("ics", b"", "not an iCalendar file"),
        ("pretalx", b'{"schedule": {"conference": {"days": [', "expected a pretalx or frab schedule.json"),
        ("pretalx", b'{"hello": "world"}', "no schedule.conference.days"),
        ("pretalx", b'{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "x"}]}}]}}}', "is not an ISO"),
        ("pretalx", b'{"schedule": {"conference": {"days": [{"rooms": "A"}]}}}', "unexpected structure"),
        ("sessionize", b'[{"groupId": 1, "sessions": []}]', "export the All view"),
        ("sessionize", b"\xff\xfe garbage", "expected a Sessionize All export"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_field_and_what_was_expected(tmp_path, field, content, message):
    path = _hostile(tmp_path, "programme.bin", content)
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, field, path, *DAY)
    assert str(err.value).startswith(f"programme.{field}: {path}") and message in str(err.value)


def test_a_missing_a_folder_a_pipe_a_device_and_a_huge_file_are_refused_without_reading_them(tmp_path):
    with pytest.raises(ConfigError, match=r"programme.pretalx: no file at .*nowhere.json; check the path"):
        _config(tmp_path, "pretalx", tmp_path / "nowhere.json", *DAY)
    with pytest.raises(ConfigError, match=r"programme.ics: .* is a folder"):
        _config(tmp_path, "ics", tmp_path, *DAY)
    os.mkfifo(tmp_path / "pipe.ics")  # reading it would wait for a writer for ever
    for device in (tmp_path / "pipe.ics", "/dev/zero"):
        with pytest.raises(ConfigError, match=r"programme.ics: .* is not a file \(a pipe or a device\?\)"):
            _config(tmp_path, "ics", device, *DAY)
    huge = tmp_path / "huge.ics"
    with open(huge, "wb") as f:
        f.truncate(2 * 2**30)  # 2 GB, sparse: refused from its size, never read
    with pytest.raises(ConfigError, match=r"programme.ics: .*huge.ics is 2,048 MB, more than the 20 MB"):
        _config(tmp_path, "ics", huge, *DAY)


def test_speaker_links_answers_and_biographies_become_accounts(tmp_path):
    """Hand-written after the real formats: Sessionize's Bluesky/Twitter link types and a question, pretalx's
    persons with a biography and an answer naming a network."""
    sessionize = {
        "sessions": [
            {"id": "1", "title": "Talk", "startsAt": "2014-10-22T09:00:00", "endsAt": "2014-10-22T09:30:00"}
            | {"speakers": ["a"], "roomId": 7, "categoryItems": [], "isServiceSession": False}
        ],
        "speakers": [
            {
                "id": "a",
                "links": [
                    {"title": "X (Twitter)", "url": "https://x.com/ada", "linkType": "Twitter"},
                    {"title": "Bluesky", "url": "https://bsky.app/profile/ada.example.org", "linkType": "Bluesky"},
                    {"title": "LinkedIn", "url": "https://linkedin.com/in/ada", "linkType": "LinkedIn"},
                ],
                "questionAnswers": [{"questionId": 5, "answerValue": "@ada@scholar.social"}],
            }
        ],
        "questions": [{"id": 5, "question": "Your Mastodon account"}],
        "rooms": [{"id": 7, "name": "Room 201"}],
    }
    path = _hostile(tmp_path, "all.json", json.dumps(sessionize).encode())
    (talk,) = _config(tmp_path, "sessionize", path, *DAY).programme.sessions
    assert talk.speakers == ["x:ada", "bluesky:ada.example.org", "mastodon:ada@scholar.social"]
    assert talk.room == "Room 201"
    pretalx = {
        "schedule": {
            "conference": {
                "days": [
                    {
                        "rooms": {
                            "Hall": [
                                {
                                    "title": "Keynote",
                                    "date": "2014-10-22T10:00:00-04:00",
                                    "duration": "01:00",
                                    "persons": [
                                        {
                                            "biography": "Writes at https://medium.com/@bo, posts as @bo@med-mastodon.com "
                                            "and [on X](https://twitter.com/bo_md).",
                                            "answers": [{"question": {"question": {"en": "Bluesky"}}, "answer": "bo"}],
                                        }
                                    ],
                                }
                            ]
                        }
                    }
                ]
            }
        }
    }
    path = _hostile(tmp_path, "schedule.json", json.dumps(pretalx).encode())
    (keynote,) = _config(tmp_path, "pretalx", path, *DAY).programme.sessions
    assert keynote.speakers == ["bluesky:bo.bsky.social", "x:bo_md", "mastodon:bo@med-mastodon.com"]
    assert keynote.kind == "keynote" and keynote.room == "Hall"


def test_the_cli_refuses_a_missing_programme_file_with_exit_2_and_no_traceback(tmp_path):
    data = _good()
    data["programme"]["ics"] = "missing.ics"
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(data, default=str))
    done = subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", str(path), "init"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"programme.ics: no file at {tmp_path / 'missing.ics'}" in done.stderr


def test_a_url_instead_of_a_file_says_to_download_it(tmp_path):
    url = "https://pretalx.com/pyconau-2023/schedule/export/schedule.ics"
    with pytest.raises(
        ConfigError, match=rf"programme.ics: found '{url}'; expected the path of a file on this machine"
    ):
        _config(tmp_path, "ics", url, *DAY)


def test_the_programme_page_shows_an_imported_programme(tmp_path, monkeypatch):
    import streamlit as st

    data = _good()
    data["event"].update(
        timezone="Australia/Melbourne", start="2025-02-22T08:00:00+11:00", end="2025-02-22T19:00:00+11:00"
    )
    data["programme"] = {"sessionize": str(DATA / "sessionize-dddmelbourne-2025.json")}
    (tmp_path / "config.yaml").write_text(json.dumps(data, default=str))
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "correct horse")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = dashboard_app()
    at.session_state["organiser"] = True
    at.switch_page("pages/programme.py")
    at.run()
    assert not at.exception, at.exception
    (table,) = at.dataframe
    assert len(table.value) == 28 and "Emerging trends in robotics" in set(table.value.title)
    st.cache_resource.clear()
    st.cache_data.clear()
