"""The one error a config mistake raises: its message names the field, what was found and what to do."""


class ConfigError(Exception):
    """A config file (or a file it names) that cannot be used; the message says what to fix."""
