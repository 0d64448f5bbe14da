"""Query results as pandas DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv
from sqlalchemy import Result


def frame_of(result: Result, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of ``result`` as a DataFrame; ``columns`` names them (default: the query's own names).

    Rows go to pandas as plain tuples: pandas asks each row for a ``dtype``, and on a SQLAlchemy Row that
    miss takes the slow road through its key lookup."""
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()) if columns is None else columns)


# A cell a spreadsheet would run as a formula starts with one of these (OWASP, CSV Injection:
# https://owasp.org/www-community/attacks/CSV_Injection), the full-width forms included
FORMULA_START = "^[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]"


def write_csv(frame: pd.DataFrame, out: str | Path | IO[bytes]) -> None:
    """``frame`` as CSV (a header, every text value quoted, no index) by Arrow's writer, many times faster
    than pandas' ``to_csv``; every text cell a spreadsheet would run as a formula is defused (``defused``)."""
    csv.write_csv(defused(pa.Table.from_pandas(frame, preserve_index=False)), out)


def defused(table: pa.Table) -> pa.Table:
    """``table`` with a single quote before every text value that starts like a formula (``=``, ``+``, ``-``,
    ``@``, tab, carriage return): shown as the text it is, never run. Only CSV needs it: Parquet and JSON
    keep the values as they are."""
    for i, column in enumerate(table.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, FORMULA_START), False)
            table = table.set_column(
                i,
                table.field(i),
                pc.if_else(
                    risky,
                    pc.binary_join_element_wise(pa.scalar("'", column.type), column, pa.scalar("", column.type)),
                    column,
                ),
            )
    return table
