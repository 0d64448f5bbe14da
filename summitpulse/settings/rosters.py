"""Who is known to be in the room or remote: roster files and registration exports.

``participants.in_room_roster`` and ``remote_roster`` list people (``network,handle`` columns, or any column
of handles or profile URLs). ``participants.registrations`` are exports of the registration system (a CSV
or Excel file): a checked-in attendee is in the room; a ticket type saying online or virtual is remote (that
wins over a check-in); someone registered in person but not checked in is neither. Handles are found in the
columns whose header names a network ("Twitter handle", "Bluesky", "Mastodon") or says "handle" or
"social", written as ``@name``, ``@name@instance``, a domain handle or a profile URL.

Formats: ``csv`` (any table); ``eventbrite``: the Attendee Summary report, whose ``Attendee Status`` is
"Attending", "Checked In", "Not Attending", "Deleted", "Refunded" or "Transferred" (Eventbrite's glossary
of attendee statuses; the column order as in github.com/rherardi/eb2ez's README: ``Order #``, ``Order Date``,
``First Name``, ..., ``Ticket Type``, ``Attendee #``, ..., ``Attendee Status``, then one column per custom
question); ``whova``: Whova's attendee list (Excel), whose check-in and ticket columns are found by their
headers like any table's. A missing, unreadable or unusable file is a config error, never an empty roster.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from .errors import ConfigError
from .files import read_named_file
from .social import NETWORKS, accounts, network_of_label

LIMIT_MB = 100
REMOTE_TICKETS = ["online", "virtual", "remote", "livestream", "live stream", "streaming", "webinar", "digital"]
CHECKED_IN_HEADER = re.compile(r"check(ed)?[\s_-]*ins?([\s_-]*(status|time|date|at))?|attended|attendance[\s_-]*status")
TICKET_HEADER = re.compile(
    r"ticket([\s_-]*(type|name|class|category))?|(attendee|attendance|registration|participation)"
    r"[\s_-]*(type|mode|category)|participation"
)
HANDLE_HEADER = re.compile(r"handle|social|profile|username")
NOT_CHECKED_IN = re.compile(r"|no|n|false|0|-+|none|n/a|(not|no)\b.*")


@dataclass(frozen=True)
class Format:
    status_column: str | None = None  # a status column saying checked in, or not coming at all
    checked_in_status: str = "checked in"
    not_coming: frozenset = frozenset()


FORMATS = {
    "csv": Format(),
    "eventbrite": Format(
        "Attendee Status", "checked in", frozenset({"not attending", "deleted", "refunded", "transferred"})
    ),
    "whova": Format(),
}


def read_rosters(config) -> dict[str, set[tuple[str, str]]]:
    """``{"in_room": {(network, handle)}, "remote": {...}}``, handles casefolded, from every roster and export."""
    p = config.participants
    rosters = {
        "in_room": _roster(config, "participants.in_room_roster", p.in_room_roster),
        "remote": _roster(config, "participants.remote_roster", p.remote_roster),
    }
    for i, registration in enumerate(p.registrations):
        in_room, remote = _registrations(config, f"participants.registrations.{i}", registration)
        rosters["in_room"] |= in_room
        rosters["remote"] |= remote
    return rosters


def _pairs(found: list[str]) -> set[tuple[str, str]]:
    return {(a.split(":", 1)[0], a.split(":", 1)[1].casefold()) for a in found}


def _roster(config, field: str, name: str | None) -> set[tuple[str, str]]:
    if not name:
        return set()
    path = config.path(name)
    header, rows = _table(read_named_file(path, field, LIMIT_MB), f"{field}: {path}")
    columns = _handle_columns(header, [], field, path)
    found = [a for row in rows for a in _row_accounts(row, header, columns)]
    if rows and not found:
        raise ConfigError(
            f"{field}: {path}: none of its {len(rows):,} rows names an account; expected columns network,handle "
            "(network x, bluesky or mastodon) or a column of @names or profile URLs"
        )
    return _pairs(found)


def _registrations(config, field: str, reg) -> tuple[set, set]:
    path = config.path(reg.file)
    fmt = FORMATS[reg.format]
    header, rows = _table(read_named_file(path, f"{field}.file", LIMIT_MB), f"{field}.file: {path}")
    handles = _handle_columns(header, reg.handle_columns, field, path)
    checked = _column(header, reg.checked_in_column, CHECKED_IN_HEADER, f"{field}.checked_in_column")
    ticket = _column(header, reg.ticket_column, TICKET_HEADER, f"{field}.ticket_column")
    status = header.index(fmt.status_column) if fmt.status_column in header else None
    if checked is None and ticket is None and status is None:
        raise ConfigError(
            f"{field}.file: {path}: found no check-in column and no ticket-type column among {_shown(header)}; "
            "name them with checked_in_column: and ticket_column:"
        )
    remote_words = [w.casefold() for w in reg.remote_tickets]
    in_room, remote = [], []
    for row in rows:
        state = row[status].strip().casefold() if status is not None else ""
        if state in fmt.not_coming:
            continue
        found = _row_accounts(row, header, handles)
        if ticket is not None and any(w in row[ticket].casefold() for w in remote_words):
            remote += found
        elif state == fmt.checked_in_status or (checked is not None and _checked_in(row[checked])):
            in_room += found
    return _pairs(in_room), _pairs(remote)


def _checked_in(value: str) -> bool:
    """Anything in a check-in column but blank, no, false, 0 or "not ...": yes, a tick, a time, "Checked In"."""
    return not NOT_CHECKED_IN.fullmatch(value.strip().casefold())


def _column(header: list[str], named: str | None, pattern: re.Pattern, field: str) -> int | None:
    """The index of the column ``named`` in the config, else of the first header matching ``pattern``."""
    if named:
        if named not in header:
            raise ConfigError(f"{field}: found {named!r}; expected one of the file's columns: {_shown(header)}")
        return header.index(named)
    return next((i for i, h in enumerate(header) if pattern.fullmatch(h.strip().casefold())), None)


def _handle_columns(header: list[str], named: list[str], field: str, path) -> list[tuple[int, str | None]]:
    """(index, network or None) of each column holding handles: ``named`` ones, else every header naming a
    network or saying handle or social; ``network`` columns pair with a ``handle`` column."""
    for name in named:
        if name not in header:
            raise ConfigError(
                f"{field}.handle_columns: found {name!r}; expected one of the file's columns: {_shown(header)}"
            )
    chosen = [i for i, h in enumerate(header) if (h in named if named else _holds_handles(h))]
    if not chosen:
        raise ConfigError(
            f"{field}: {path}: found no column of social handles among {_shown(header)}; expected a column named "
            "after a network (Twitter, X, Bluesky, Mastodon) or handle, or name it with handle_columns:"
        )
    return [(i, network_of_label(header[i])) for i in chosen]


def _holds_handles(header: str) -> bool:
    text = header.strip().casefold()
    return text != "network" and (bool(network_of_label(text)) or bool(HANDLE_HEADER.search(text)))


def _row_accounts(row: list[str], header: list[str], columns: list[tuple[int, str | None]]) -> list[str]:
    network = row[header.index("network")].strip().casefold() if "network" in header else ""
    network = {"twitter": "x"}.get(network, network)
    if network and network not in NETWORKS:
        return []
    return [a for i, hint in columns for a in accounts(row[i], hint or network or None)]


def _shown(header: list[str]) -> str:
    names = ", ".join(repr(h) for h in header[:25])
    return names + (f" and {len(header) - 25} more" if len(header) > 25 else "")


def _table(data: bytes, where: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows (strings, as long as the header) of a CSV or Excel file; the header is the first row
    of the first ten with several cells, one of them naming a column of handles (a title may stand above)."""
    rows = _xlsx_rows(data, where) if data[:4] == b"PK\x03\x04" else _csv_rows(data, where)
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return [], []
    first = next(
        (i for i, r in enumerate(rows[:10]) if sum(bool(c.strip()) for c in r) > 1 and any(map(_holds_handles, r))), 0
    )
    header = [c.strip().lstrip("\ufeff") for c in rows[first]]
    width = len(header)
    return header, [(r + [""] * width)[:width] for r in rows[first + 1 :]]


def _csv_rows(data: bytes, where: str) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise ConfigError(f"{where}: not a CSV or Excel file (it holds binary data); export the list as CSV or .xlsx")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[str(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ConfigError(f"{where}: not a readable CSV file ({exc}); export it again as CSV") from None


def _xlsx_rows(data: bytes, where: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise ConfigError(f"{where}: not a readable Excel file ({exc}); export it again as .xlsx or CSV") from None
