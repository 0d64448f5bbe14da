"""Reading the files a config names: a missing, unreadable or oversized file is a config error, never silence."""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError


def read_named_file(path: Path, field: str, limit_mb: int) -> bytes:
    """The bytes of ``path`` (named by the config's ``field``); ConfigError saying what is wrong and the fix."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ConfigError(f"{field}: {path} is a folder; name the file in it")
        if not path.is_file():
            raise ConfigError(f"{field}: {path} is not a file (a pipe or a device?); name an exported file")
        if size > limit_mb * 2**20:
            raise ConfigError(
                f"{field}: {path} is {size / 2**20:,.0f} MB, more than the {limit_mb} MB such a file should be; "
                "check that it is the right file"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{field}: no file at {path}; check the path (a relative path starts at the config file's folder)"
        ) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"{field}: cannot read {path} ({reason}); check the path and its permissions") from None
