"""Settings: defaults, TOML file, environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from base.config import ConfigError, load_settings


def test_defaults_serve_loopback_and_sqlite_under_the_data_dir() -> None:
    settings = load_settings({})
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.home_city == "临江市"
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.resolved_database_url.endswith("var/hotline.sqlite3")


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "hotline.toml"
    config.write_text('home_city = "青山市"\nhttp_port = 9000\n', encoding="utf-8")
    settings = load_settings({"HOTLINE_CONFIG": str(config), "HOTLINE_HTTP_PORT": "9100"})
    assert settings.home_city == "青山市"
    assert settings.http_port == 9100


def test_a_bad_port_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="http_port"):
        load_settings({"HOTLINE_HTTP_PORT": "eighty"})
    with pytest.raises(ConfigError, match="http_port"):
        load_settings({"HOTLINE_HTTP_PORT": "70000"})


def test_a_missing_config_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({"HOTLINE_CONFIG": str(tmp_path / "nope.toml")})
