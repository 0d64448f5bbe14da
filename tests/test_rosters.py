"""Rosters and registration exports: who is known to be in the room or remote, folded into ``read_rosters``."""

import csv

import pytest
from openpyxl import Workbook

from summitpulse.analysis import participation
from summitpulse.analysis.participation import read_rosters
from summitpulse.normalise.models import Author, Batch
from summitpulse.settings.config import ConfigError, parse_config
from summitpulse.settings.social import accounts
from summitpulse.store.engine import ingest

from .conftest import ROOT
from .test_analysis import _post
from .test_config import _good

# Eventbrite's Attendee Summary report: the columns as exported, in order, up to the first custom question
# (github.com/rherardi/eb2ez README, "Example Input Format (Eventbrite CSV)"); "Attendee Status" takes the values
# of Eventbrite's glossary of attendee statuses. The custom questions are this event's own.
EVENTBRITE = (
    "Order #,Order Date,First Name,Last Name,Email,Quantity,Price Tier,Ticket Type,Attendee #,Group,Order Type,"
    "Currency,Total Paid,Fees Paid,Eventbrite Fees,Eventbrite Payment Processing,Attendee Status,"
    "Job Title,Company,Your Twitter / X handle,Bluesky (optional)"
).split(",")


def _eventbrite_row(n, first, ticket, status, twitter="", bluesky=""):
    return [
        str(11211912243 + n),
        "10/20/14 22:28",
        first,
        "Doe",
        f"{first.lower()}@example.org",
        "1",
        "",
        ticket,
        str(18441583423 + n),
        "",
        "Free Order",
        "CAD",
        "0",
        "0",
        "0",
        "0",
        status,
        "Resident",
        "Hospital",
        twitter,
        bluesky,
    ]


def _csv(path, header, rows, **kw):
    with open(path, "w", newline="", encoding=kw.pop("encoding", "utf-8-sig")) as f:
        writer = csv.writer(f, **kw)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _config(tmp_path, *registrations, **participants):
    data = _good()
    data["participants"] = {**participants, "registrations": list(registrations)}
    return parse_config(data, base_dir=str(tmp_path))


def test_the_demo_rosters_read_as_before(config):
    rosters = read_rosters(config)
    with open(ROOT / "demo/roster_in_room.csv", newline="") as f:
        expected = {(r["network"], r["handle"].lstrip("@").casefold()) for r in csv.DictReader(f)}
    with open(ROOT / "demo/roster_remote.csv", newline="") as f:
        remote = {(r["network"], r["handle"].lstrip("@").casefold()) for r in csv.DictReader(f)}
    assert rosters == {"in_room": expected, "remote": remote}


def test_an_eventbrite_report_checked_in_is_in_the_room_online_tickets_remote(tmp_path):
    rows = [
        _eventbrite_row(1, "Ana", "In-person pass", "Checked In", "@ana_md"),
        _eventbrite_row(2, "Ben", "In-person pass", "Attending", "https://twitter.com/ben_md"),  # not (yet) here
        _eventbrite_row(3, "Cleo", "Livestream ticket", "Attending", "", "cleo.bsky.social"),
        _eventbrite_row(4, "Dev", "Online access", "Checked In", "https://x.com/devrn"),  # remote wins
        _eventbrite_row(5, "Eve", "In-person pass", "Refunded", "@eve"),
        _eventbrite_row(6, "Finn", "In-person pass", "Checked In", "", "https://bsky.app/profile/finn.example.org"),
        _eventbrite_row(7, "Gus", "In-person pass", "Checked In", "n/a"),  # no account: left out
    ]
    path = _csv(tmp_path / "attendees.csv", EVENTBRITE, rows)
    rosters = read_rosters(_config(tmp_path, {"file": path.name, "format": "eventbrite"}))
    assert rosters["in_room"] == {("x", "ana_md"), ("bluesky", "finn.example.org")}
    assert rosters["remote"] == {("bluesky", "cleo.bsky.social"), ("x", "devrn")}


def test_a_checked_in_attendee_is_labelled_in_the_room_and_an_online_ticket_remote(engine, tmp_path):
    rows = [
        _eventbrite_row(1, "Ana", "In-person pass", "Checked In", "@ana"),
        _eventbrite_row(2, "Bo", "Virtual pass", "Attending", "https://x.com/bo"),
    ]
    _csv(tmp_path / "attendees.csv", EVENTBRITE, rows)
    config = _config(tmp_path, {"file": "attendees.csv", "format": "eventbrite"})
    authors = [Author("x", "a", "ana", "Ana"), Author("x", "b", "bo", "Bo")]
    ingest(
        engine, Batch(posts=[_post(1, "a", "Morning #SoMeSummit"), _post(2, "b", "Hi #SoMeSummit")], authors=authors)
    )
    with engine.connect() as conn:
        people = participation.classify(conn, config).set_index("handle")
    assert people.loc["ana", "label"] == "in_room"
    assert any("registered to attend in person" in r for r in people.loc["ana", "reasons"])
    assert people.loc["bo", "label"] == "remote"
    assert any("registered as a remote attendee" in r for r in people.loc["bo", "reasons"])


def test_a_whova_export_in_excel_with_a_title_row_above_the_header(tmp_path):
    """Whova's attendee list is an Excel file; its check-in and ticket columns are found by their headers (the
    names here are not copied from a real Whova file: none could be found to check them against)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Attendee list, Social Media Summit"])
    sheet.append(["Name", "Email", "Affiliation", "Ticket", "Checked In", "Twitter", "Mastodon"])
    sheet.append(["Ana Doe", "ana@example.org", "McMaster", "Full conference", "Yes", "@ana_md", None])
    sheet.append(["Bo Li", "bo@example.org", "UBC", "Virtual attendance", None, None, "@bo@med-mastodon.com"])
    sheet.append(["Cy Ng", "cy@example.org", "UofT", "Full conference", "2014-10-22 08:41", None, "cy@scholar.social"])
    sheet.append(["Di Ro", "di@example.org", "McGill", "Full conference", "No", "@di", None])
    book.save(tmp_path / "whova.xlsx")
    rosters = read_rosters(_config(tmp_path, {"file": "whova.xlsx", "format": "whova"}))
    assert rosters["in_room"] == {("x", "ana_md"), ("mastodon", "cy@scholar.social")}
    assert rosters["remote"] == {("mastodon", "bo@med-mastodon.com")}


def test_a_generic_csv_with_semicolons_a_handle_column_and_check_in_times(tmp_path):
    rows = [
        ["Ana", "https://scholar.social/@ana", "09:12", "On site"],
        ["Ben", "@ben@mstdn.ca", "", "On site"],
        ["Cleo", "@cleo", "", "Remote (streaming)"],
    ]
    header = ["Name", "Social handle", "Check-in time", "Attendance mode"]
    _csv(tmp_path / "list.csv", header, rows, delimiter=";", encoding="cp1252")
    rosters = read_rosters(_config(tmp_path, {"file": "list.csv"}))
    assert rosters["in_room"] == {("mastodon", "ana@scholar.social")}
    assert rosters["remote"] == {("x", "cleo")}


def test_columns_and_remote_ticket_words_can_be_named(tmp_path):
    rows = [["Ana", "ana_md", "here", "Standard"], ["Ben", "ben_md", "", "Zoom seat"]]
    _csv(tmp_path / "list.csv", ["Who", "Tw", "Door", "Pass"], rows)
    registration = {
        "file": "list.csv",
        "handle_columns": ["Tw"],
        "checked_in_column": "Door",
        "ticket_column": "Pass",
        "remote_tickets": ["zoom"],
    }
    assert read_rosters(_config(tmp_path, registration)) == {"in_room": set(), "remote": set()}  # "Tw": no network
    _csv(tmp_path / "list.csv", ["Who", "Twitter", "Door", "Pass"], rows)
    registration["handle_columns"] = ["Twitter"]
    rosters = read_rosters(_config(tmp_path, registration))
    assert rosters == {"in_room": {("x", "ana_md")}, "remote": {("x", "ben_md")}}


@pytest.mark.parametrize(
    "header, registration, message",
    [
        (["Name", "Email", "Ticket"], {}, "found no column of social handles among 'Name', 'Email', 'Ticket'"),
        (["Name", "Twitter"], {}, "found no check-in column and no ticket-type column among 'Name', 'Twitter'"),
        (["Name", "Twitter", "Ticket"], {"checked_in_column": "Door"}, ".checked_in_column: found 'Door'; expected"),
        (["Name", "Twitter", "Ticket"], {"handle_columns": ["X handle"]}, ".handle_columns: found 'X handle'"),
    ],
)
def test_an_export_that_cannot_say_who_is_where_is_refused_naming_the_fix(tmp_path, header, registration, message):
    _csv(tmp_path / "list.csv", header, [["Ana"] * len(header)])
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, {"file": "list.csv", **registration})
    assert "participants.registrations.0" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 not really a workbook", "not a readable Excel file"),
        (b"\x00\x01\x02binary\x00", "not a CSV or Excel file"),
    ],
)
def test_an_export_that_is_not_a_table_is_refused(tmp_path, content, message):
    (tmp_path / "list.csv").write_bytes(content)
    with pytest.raises(ConfigError, match=rf"participants.registrations.0.file: .*list.csv: {message}"):
        _config(tmp_path, {"file": "list.csv"})


def test_a_missing_export_is_refused_and_a_roster_vanishing_later_is_not_read_as_empty(tmp_path):
    with pytest.raises(ConfigError, match=r"participants.registrations.0.file: no file at .*gone.csv"):
        _config(tmp_path, {"file": "gone.csv", "format": "eventbrite"})
    roster = _csv(tmp_path / "roster.csv", ["network", "handle"], [["x", "ana_md"]])
    config = _config(tmp_path, in_room_roster="roster.csv")
    assert read_rosters(config)["in_room"] == {("x", "ana_md")}
    roster.unlink()
    with pytest.raises(ConfigError, match="participants.in_room_roster: no file at"):
        read_rosters(config)


def test_a_roster_of_network_handle_rows_naming_no_account_is_refused(tmp_path):
    _csv(tmp_path / "roster.csv", ["network", "handle"], [["linkedin", "ana"], ["facebook", "ben"]])
    with pytest.raises(ConfigError, match="none of its 2 rows names an account; expected columns network,handle"):
        _config(tmp_path, in_room_roster="roster.csv")


@pytest.mark.parametrize(
    "text, network, expected",
    [
        ("https://twitter.com/slace", None, ["x:slace"]),
        ("Https://www.twitter.com/alliv8", None, ["x:alliv8"]),
        ("x.com/foo", None, ["x:foo"]),
        ("https://x.com/intent/tweet", None, []),
        ("@0Xiphorus", None, ["x:0Xiphorus"]),
        ("gus", None, []),
        ("gus", "x", ["x:gus"]),
        (
            "twitter DM: @shroombab // mastodon: @shroombab@chaos.social",
            None,
            ["x:shroombab", "mastodon:shroombab@chaos.social"],
        ),
        ("https://bsky.app/profile/abdel.bsky.social", None, ["bluesky:abdel.bsky.social"]),
        ("alice", "bluesky", ["bluesky:alice.bsky.social"]),
        ("did:plc:4smmjsqf6l5jkzczvw6vsrqc", None, ["bluesky:did:plc:4smmjsqf6l5jkzczvw6vsrqc"]),
        ("https://scholar.social/@lmelvin", None, ["mastodon:lmelvin@scholar.social"]),
        ("https://mastodon.social/users/bob", "mastodon", ["mastodon:bob@mastodon.social"]),
        ("lmelvin@scholar.social", "mastodon", ["mastodon:lmelvin@scholar.social"]),
        ("me@mail.com", None, []),
        ("https://medium.com/@alkesh", None, []),
        ("https://linkedin.com/in/aditlal", None, []),
        ("<script>alert(1)</script>", None, []),
        ("@" + "a" * 500, None, []),
    ],
)
def test_accounts_are_read_however_people_write_them(text, network, expected):
    assert accounts(text, network) == expected
