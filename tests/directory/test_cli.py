"""The `hotline directory` and `hotline db` commands, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_DIRECTORY


def hotline(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOTLINE_DATA_DIR": str(data_dir), "HOTLINE_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "hotline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    assert hotline(path, "db", "upgrade").returncode == 0
    imported = hotline(path, "directory", "import", str(SAMPLE_DIRECTORY))
    assert imported.returncode == 0, imported.stderr
    assert "92 created" in imported.stdout
    return path


def test_import_if_empty_skips_a_filled_directory(data_dir: Path) -> None:
    result = hotline(data_dir, "directory", "import", "--if-empty", str(SAMPLE_DIRECTORY))
    assert result.returncode == 0
    assert "nothing imported" in result.stdout


def test_search_json_puts_the_right_department_first(data_dir: Path) -> None:
    result = hotline(data_dir, "directory", "search", "青山 公积金", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["query"] == "青山 公积金"
    assert isinstance(answer["ambiguous"], bool)
    first = answer["results"][0]
    assert set(first) == {"code", "name", "city", "score", "matched"}
    assert first["city"] == "青山市"
    assert "公积金" in first["name"]


def test_keypad_search_finds_public_security(data_dir: Path) -> None:
    result = hotline(data_dir, "directory", "search", "--keys", "425", "--json")
    assert result.returncode == 0
    names = [r["name"] for r in json.loads(result.stdout)["results"]]
    assert names[0] == "临江市公安局"


def test_import_with_a_bad_row_exits_non_zero_and_names_the_line(
    data_dir: Path, tmp_path: Path
) -> None:
    lines = SAMPLE_DIRECTORY.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join([lines[0], lines[1], lines[2].replace(",government,", ",martian,")]) + "\n"
    )
    result = hotline(data_dir, "directory", "import", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: kind 'martian'" in result.stderr
    assert "2 unchanged" not in result.stdout
    assert "1 unchanged" in result.stdout


def test_export_then_import_round_trips(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    assert hotline(data_dir, "directory", "export", str(out)).returncode == 0
    again = hotline(data_dir, "directory", "import", str(out))
    assert again.returncode == 0
    assert "92 unchanged" in again.stdout


def test_missing_file_is_a_one_line_error(data_dir: Path) -> None:
    result = hotline(data_dir, "directory", "import", "/nonexistent.csv")
    assert result.returncode == 1
    assert result.stderr.strip() == "hotline: /nonexistent.csv: no such file"
