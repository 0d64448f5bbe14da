"""Config validation: the bundled file loads; a bad one names the field and the fix, exit 2."""

import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from summitpulse.settings.config import ConfigError, clean_tag, load_config, parse_config

from .conftest import ROOT
from .mangle import JUNK, mangle, paths


def _write(tmp_path, data) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def _good() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def test_the_bundled_config_loads(config):
    assert config.hashtags.all == ["somesummit", "icre2014", "mededsome"]
    assert len(config.themes) == 4
    assert config.event.tz.key == "America/Toronto"


def test_tags_match_with_or_without_hash_and_any_case():
    assert clean_tag("#SoMeSummit") == clean_tag("somesummit") == "somesummit"


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda c: c["event"]["venue"].update(latitude=123), "event.venue.latitude: found 123"),
        (lambda c: c["event"].update(timezone="Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
        (lambda c: c["event"].pop("start"), "event.start: missing"),
        (lambda c: c["networks"]["x"].update(poll_seconds="often"), "networks.x.poll_seconds: found 'often'"),
        (lambda c: c.update(hashtag=["#typo"]), "hashtag: unknown field"),
        (
            lambda c: c["moderation"].update(mode="sometimes"),
            "moderation.mode: found 'sometimes'; expected Input should be 'post' or 'pre'",
        ),
        (lambda c: c.update(database_url="postgresql://u:hunter2@db/x"), "SUMMITPULSE_DATABASE_URL"),
    ],
)
def test_a_bad_field_is_named_with_what_was_found_and_expected(tmp_path, mutate, expected):
    data = _good()
    mutate(data)
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, data))
    assert expected in str(err.value)


def test_broken_yaml_says_where(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML at line 3"):
        load_config(_write(tmp_path, "event:\n  name: [unclosed\n"))


def test_the_cli_exits_2_with_one_message_and_no_traceback(tmp_path):
    data = _good()
    data["event"]["end"] = "2014-10-21T08:00:00-04:00"
    done = subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", _write(tmp_path, data), "init"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "end must be after start" in done.stderr
    assert "Traceback" not in done.stderr


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_fuzzed_configs_load_or_name_the_field(data):
    config = _good()
    path = data.draw(st.sampled_from(list(paths(config))))
    config = mangle(config, path, data.draw(JUNK))
    try:
        parse_config(config)
    except ConfigError as exc:
        message = str(exc)
        assert message and "Traceback" not in message
        if path and isinstance(config, dict):
            assert str(path[0]) in message or "mapping" in message
