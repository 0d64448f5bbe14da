"""A starter config for a new event: the bundled demo's settings with placeholders, never over an existing file."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def write_starter_config(path: Path) -> bool:
    """Write the starter config at ``path``; False (and nothing written) when a file is already there."""
    text = (files(__package__) / "starter_config.yaml").read_text(encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return True
