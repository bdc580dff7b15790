"""`hotline users …` and `hotline kb import` against a migrated SQLite file."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest

from base.config import Settings
from base.database import create_engine, create_session_factory
from directory import DirectoryRepository, import_csv
from hotline.cli import kb, users
from hotline.migrate import upgrade
from tests.conftest import SAMPLE_DIRECTORY


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)
    return Settings(data_dir=tmp_path, database_url=url)


def run(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    users.register(sub)
    kb.register(sub)
    args = parser.parse_args(argv)
    code: int = args.handler(args, settings)
    return code


def test_ensure_admin_prints_a_one_time_password_once(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(settings, "users", "ensure-admin") == 0
    assert "one-time password:" in capsys.readouterr().out
    assert run(settings, "users", "ensure-admin") == 0
    assert "nothing to do" in capsys.readouterr().out


def test_add_operator_with_generated_password(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(settings, "users", "add", "op1", "--role", "operator") == 0
    out = capsys.readouterr().out
    assert "created operator op1" in out
    assert "one-time password:" in out
    run(settings, "users", "list")
    assert "op1\toperator" in capsys.readouterr().out


def test_a_county_operator_is_bound_to_the_county(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from hotline.cli.common import CommandError

    assert run(settings, "users", "add", "op_qh", "--role", "operator", "--platform",
               "qinghe") == 0  # fmt: skip
    run(settings, "users", "list")
    assert "op_qh\toperator\t\tqinghe" in capsys.readouterr().out
    with pytest.raises(CommandError, match="unknown platform"):
        run(settings, "users", "add", "op_x", "--role", "operator", "--platform", "nowhere")


def test_liaison_with_unknown_department_is_refused(settings: Settings) -> None:
    from hotline.cli.common import CommandError

    with pytest.raises(CommandError, match="no department"):
        run(settings, "users", "add", "li1", "--role", "liaison", "--department", "nope")


async def _import_sample_directory(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url)
    try:
        await import_csv(SAMPLE_DIRECTORY, DirectoryRepository(create_session_factory(engine)))
    finally:
        await engine.dispose()


def test_kb_import_keeps_good_rows_and_reports_bad_ones(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "faq.csv"
    csv_file.write_text(
        "department_code,question,answer,keywords\n"
        "linjiang.gongan,身份证丢了怎么办,携带户口簿到户籍窗口补办,身份证 补办\n"
        ",没有部门,答案,\n",
        encoding="utf-8",
    )
    asyncio.run(_import_sample_directory(settings))
    assert run(settings, "kb", "import", str(csv_file)) == 1
    captured = capsys.readouterr()
    assert "1 created, 0 updated, 1 rejected" in captured.out
    assert ":3:" in captured.err
