"""Config validation: the bundled file loads; a bad one names the field and the fix, exit 2."""

import os
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
    """The bundled config, the files it names by absolute path (so that it can be written or parsed anywhere)."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text())
    for key in ("in_room_roster", "remote_roster"):
        data["participants"][key] = str(ROOT / data["participants"][key])
    return data


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
        (lambda c: c["networks"]["x"].update(budget_usd=0), "networks.x.budget_usd: found 0"),
        (lambda c: c["networks"]["x"].update(budget_usd="lots"), "networks.x.budget_usd: found 'lots'"),
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


def _refused(data, tmp_path=None) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config(data, base_dir=str(tmp_path or ROOT))
    return str(err.value)


def test_two_themes_with_the_same_name_are_refused_naming_both():
    data = _good()
    data["themes"].append({**data["themes"][0], "name": " ethics & PROFESSIONALISM "})
    assert "themes.4.name: found ' ethics & PROFESSIONALISM ', the name of themes.0 too" in _refused(data)


def test_a_session_ending_before_it_starts_is_refused_with_its_title():
    data = _good()
    data["programme"]["sessions"][2]["end"] = "2014-10-22T09:15:00-04:00"
    message = _refused(data)
    assert "programme.sessions.2 ('Break'): a session must end after it starts" in message
    assert "ends at 2014-10-22T09:15:00-04:00, not after it starts at 2014-10-22T10:15:00-04:00" in message


def test_a_session_time_without_offset_is_refused():
    data = _good()
    data["programme"]["sessions"][0]["start"] = "2014-10-22T08:30:00"
    assert "programme.sessions.0 ('Welcome and opening plenary'): start and end need a UTC offset" in _refused(data)


def test_a_session_naming_a_theme_that_does_not_exist_is_refused_listing_the_themes():
    data = _good()
    data["programme"]["sessions"][1]["theme"] = "Ethics"
    message = _refused(data)
    assert "programme.sessions.1.theme: found 'Ethics'; expected a theme's name ('Ethics & professionalism'" in message


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda c: c["event"]["venue"].update(radius_km=float("inf")), "event.venue.radius_km: found inf"),
        (lambda c: c["event"]["venue"].update(latitude=float("nan")), "event.venue.latitude: found nan"),
        (lambda c: c.update(participation={"roster": float("nan")}), "participation.roster: found nan"),
        (lambda c: c.update(participation={"threshold": float("-inf")}), "participation.threshold: found -inf"),
    ],
)
def test_infinite_and_nan_numbers_are_refused(mutate, where):
    data = _good()
    mutate(data)
    message = _refused(data)
    assert where in message and "finite number" in message


def test_radius_inf_written_in_yaml_is_refused(tmp_path):
    text = (ROOT / "config.yaml").read_text().replace("radius_km: 0.6", "radius_km: .inf")
    with pytest.raises(ConfigError, match=r"event.venue.radius_km: found inf; expected Input should be a finite"):
        load_config(_write(tmp_path, text))


def _cli(*args, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summitpulse", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://summit@db.example.org:5432/summit", "postgresql+psycopg://summit@db.example.org:5432/summit"),
        ("postgresql://summit@db/summit?sslmode=require", "postgresql+psycopg://summit@db/summit?sslmode=require"),
        ("postgresql+psycopg2://summit@db/summit", "postgresql+psycopg://summit@db/summit"),
        ("postgresql+psycopg://summit@db/summit", "postgresql+psycopg://summit@db/summit"),
        ("sqlite:///data/x.db", "sqlite:///data/x.db"),
    ],
)
def test_the_database_urls_hosts_hand_out_simply_work(given, expected):
    data = _good()
    data["database_url"] = given
    assert parse_config(data).database_url == expected


@pytest.mark.parametrize(
    "given, expected",
    [
        ("mysql://summit@db/summit", "a SQLite or PostgreSQL URL, such as sqlite:///data/summitpulse.db or "),
        ("mariadb+pymysql://summit@db/summit", "a SQLite or PostgreSQL URL"),
        ("the database on the server", "a database URL, such as sqlite:///data/summitpulse.db or postgresql://"),
        ("", "a database URL, such as"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_clearly(given, expected):
    data = _good()
    data["database_url"] = given
    message = _refused(data)
    assert f"database_url: found {given!r}; expected {expected}" in message
    assert "mysql is not supported" in message if given.startswith("mysql") else True


def test_a_password_in_database_url_is_refused_and_never_printed(tmp_path):
    data = _good()
    data["database_url"] = "postgres://summit:PLANTED-pw-17@db.example.org/summit"
    message = _refused(data)
    assert "PLANTED-pw-17" not in message and "postgres://summit:***@db.example.org/summit" in message
    assert "SUMMITPULSE_DATABASE_URL" in message
    done = _cli("--config", _write(tmp_path, data), "init", cwd=tmp_path)
    assert done.returncode == 2 and "PLANTED-pw-17" not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_a_bad_url_in_the_environment_names_the_variable_without_its_password(tmp_path, monkeypatch):
    config = parse_config(_good(), base_dir=str(tmp_path))
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", "mysql://u:PLANTED-pw-18@db/x")
    with pytest.raises(ConfigError) as err:
        _ = config.effective_database_url
    assert str(err.value).startswith("$SUMMITPULSE_DATABASE_URL: found 'mysql://u:***@db/x'; expected a SQLite or")
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", "postgres://u:secret-ok@127.0.0.1/x")
    assert config.effective_database_url == "postgresql+psycopg://u:secret-ok@127.0.0.1/x"


def test_an_unwritable_sqlite_path_is_a_config_error_not_a_traceback(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    data = _good()
    data["database_url"] = f"sqlite:///{blocker}/summitpulse.db"
    config = parse_config(data, base_dir=str(tmp_path))
    with pytest.raises(
        ConfigError, match=rf"database_url: found .*; expected a store that can be written, but {blocker} is a file"
    ):
        _ = config.effective_database_url
    data["database_url"] = f"sqlite:///{tmp_path}"
    with pytest.raises(ConfigError, match="expected the path of a file, not of the folder"):
        _ = parse_config(data, base_dir=str(tmp_path)).effective_database_url
    data["database_url"] = f"sqlite:///{blocker}/summitpulse.db"
    done = _cli("--config", _write(tmp_path, data), "init", cwd=tmp_path)
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr and "Traceback" not in done.stderr


def test_the_default_store_is_beside_the_config_whatever_the_working_folder(tmp_path, monkeypatch):
    """A cron job started in another folder writes to the store the dashboard reads."""
    monkeypatch.delenv("SUMMITPULSE_DATABASE_URL", raising=False)
    event = tmp_path / "event"
    event.mkdir()
    data = _good()
    del data["database_url"]
    path = _write(event, data)
    elsewhere = tmp_path / "cron"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SUMMITPULSE_DATABASE_URL"}
    done = _cli("--config", path, "init", cwd=elsewhere, env=env)
    assert done.returncode == 0, done.stderr
    assert (event / "data/summitpulse.db").is_file() and not (elsewhere / "data").exists()
    assert load_config(path).effective_database_url == f"sqlite:///{event}/data/summitpulse.db"
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", "sqlite:///mine.db")  # the environment's: the working folder
    assert load_config(path).effective_database_url == f"sqlite:///{elsewhere}/mine.db"


def _bomb(levels: int = 9) -> str:
    """The classic "billion laughs", nested inside a list: 9 ** 9 values from a few kilobytes."""
    lines = ['    - &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"    - &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "hashtags:\n  primary: '#x'\n  aliases:\n" + "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_before_anything_is_built(tmp_path, monkeypatch):
    text = _bomb()
    assert len(text) < 5_000
    built = []
    monkeypatch.setattr(yaml.constructor.SafeConstructor, "construct_document", lambda *a: built.append(a))
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))
    assert built == []  # refused while composing: no value was constructed, let alone expanded
    assert "refused at line" in str(err.value) and "stand for more than 10,000 values" in str(err.value)


def test_a_recursive_alias_is_refused_and_modest_aliases_still_work(tmp_path):
    with pytest.raises(ConfigError, match=r"the alias \*a sits inside its own anchor &a"):
        load_config(_write(tmp_path, "event: &a {name: *a}\n"))
    text = (ROOT / "config.yaml").read_text()
    text = text.replace("keywords: [ethics,", "keywords: &ethics [ethics,").replace(
        "hashtags: [ethics, professionalism, digitalprofessionalism]",
        "hashtags: [ethics, professionalism, digitalprofessionalism]\n  - name: Ethics again\n    keywords: *ethics",
    )
    text = text.replace("demo/roster_", f"{ROOT}/demo/roster_")
    config = load_config(_write(tmp_path, text))
    assert next(t for t in config.themes if t.name == "Ethics again").keywords == config.themes[0].keywords


def test_a_missing_or_unreadable_roster_is_refused_not_read_as_empty(tmp_path):
    data = _good()
    data["participants"]["in_room_roster"] = "registered.csv"
    message = _refused(data, tmp_path)
    assert f"participants.in_room_roster: no file at {tmp_path / 'registered.csv'}" in message
    data["participants"]["in_room_roster"] = str(tmp_path)
    assert "participants.in_room_roster: " in _refused(data, tmp_path) and "is a folder" in _refused(data, tmp_path)
    (tmp_path / "names.csv").write_text("first,last\nAda,Lovelace\n")
    data["participants"]["in_room_roster"] = "names.csv"
    assert "found no column of social handles among 'first', 'last'" in _refused(data, tmp_path)
    data["participants"]["in_room_roster"] = "missing.csv"
    done = _cli("--config", _write(tmp_path, data), "init", cwd=tmp_path)
    assert done.returncode == 2 and "participants.in_room_roster: no file at" in done.stderr
    assert "Traceback" not in done.stderr


def test_init_writes_a_starter_config_that_loads_and_never_overwrites(tmp_path):
    path = tmp_path / "new-event" / "config.yaml"
    done = _cli("--config", str(path), "init", cwd=tmp_path)
    assert done.returncode == 0 and f"wrote {path}" in done.stdout
    written = path.read_text()
    assert "CHANGE" in written
    config = load_config(path)
    assert config.event.name == "Your event's name" and config.hashtags.all == ["youreventtag"]
    assert sorted(yaml.safe_load(written)) == sorted(_good())  # every section the demo's config has
    path.write_text(written + "# mine\n")
    done = _cli("--config", str(path), "init", cwd=tmp_path)
    assert done.returncode == 0 and "config OK: Your event's name" in done.stdout
    assert path.read_text().endswith("# mine\n")
    assert (path.parent / "data/summitpulse.db").is_file()


def test_every_other_command_without_a_config_says_how_to_write_one(tmp_path):
    done = _cli("--config", "nowhere.yaml", "report", cwd=tmp_path)
    assert done.returncode == 2 and "run `python -m summitpulse --config nowhere.yaml init`" in done.stderr
    assert not (tmp_path / "nowhere.yaml").exists()


def test_a_config_path_that_is_a_device_or_a_folder_is_refused_without_reading_it(tmp_path):
    for path in ("/dev/zero", str(tmp_path)):
        with pytest.raises(ConfigError, match="not a config file"):
            load_config(path)
