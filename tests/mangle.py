"""Helpers for property-based tests that damage real payloads one field at a time."""

import copy

from hypothesis import strategies as st

ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=50) | st.sampled_from(
    ["\u202egnp.exe", "<script>alert(1)</script>", "e\u0301" * 500, "\x00", "🧑‍⚕️" * 30, "x" * 20_000]
)
JUNK = (
    st.none()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.booleans()
    | ODD_TEXT
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(ODD_TEXT, st.integers(), max_size=2)
)


def paths(value, prefix=()):
    """Every path (a tuple of keys and indexes) to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from paths(v, prefix + (i,))


def mangle(payload, path, junk, delete: bool = False):
    """A copy of ``payload`` with the value at ``path`` replaced by ``junk`` (or its key deleted)."""
    data = copy.deepcopy(payload)
    if not path:
        return junk
    parent = data
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return data
    if delete and isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif isinstance(parent, dict) or (
        isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent)
    ):
        parent[path[-1]] = junk  # a path of the payload before an earlier mangle may no longer fit: left as it is
    return data
