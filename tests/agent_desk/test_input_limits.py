"""Input limits at the one boundary: deep or huge JSON, NUL and lone surrogates, Unicode
digits as ids, LIKE wildcards, CSV formula cells, imports of unknown cities and
departments, and CLI failures as one line."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.kb import KnowledgeBase
from base.config import Settings
from base.csv_cells import neutralise, restore
from base.input_limits import MAX_JSON_DEPTH, json_depth
from directory import DirectoryRepository, export_csv, import_csv
from hotline.cli import directory as directory_cli
from hotline.cli import kb as kb_cli
from hotline.cli import main
from hotline.cli.common import CommandError
from hotline.migrate import upgrade
from tests.agent_desk.conftest import DEPT_A, DEPT_B, SAMPLE_DIRECTORY, DeskHarness, SteppedClock


async def _raw(
    harness: DeskHarness, path: str, data: bytes, *, as_user: str | None = None
) -> tuple[int, dict[str, object]]:
    headers = {"Content-Type": "application/json"}
    if as_user is not None:
        harness.client.session.cookie_jar.clear()
        headers["X-CSRF-Token"] = await harness.sign_in(as_user)
    response = await harness.client.post(path, data=data, headers=headers)
    return response.status, await response.json()


async def test_deep_json_is_refused_before_parsing_even_without_a_session(
    harness: DeskHarness,
) -> None:
    deep = b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b', "password": "x"}'
    status, body = await _raw(harness, "/api/auth/login", deep)
    assert (status, body["error"]["code"]) == (400, "json-too-deep")  # type: ignore[index]
    status, body = await _raw(harness, "/api/orders", b"[" * 100_000, as_user="op1")
    assert (status, body["error"]["code"]) == (400, "json-too-deep")  # type: ignore[index]


def test_json_depth_skips_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": "[[[[[[[[", "b": [1, {"c": "\\"]"}]}', 50) == 3
    assert json_depth(b"[" * (MAX_JSON_DEPTH + 5), MAX_JSON_DEPTH) == MAX_JSON_DEPTH + 1


async def test_huge_json_is_refused(harness: DeskHarness) -> None:
    huge = b'{"name": "' + b"x" * 300_000 + b'", "password": "x"}'
    status, body = await _raw(harness, "/api/auth/login", huge)
    assert (status, body["error"]["code"]) == (413, "body-too-large")  # type: ignore[index]


@pytest.mark.parametrize(
    "text", [b'"\\ud800"', b'"a\\u0000b"', b'"\\udfff tail"'],
)  # fmt: skip
async def test_lone_surrogates_and_nul_are_refused_at_the_boundary(
    harness: DeskHarness, text: bytes
) -> None:
    body = b'{"order_type": "help", "subject": ' + text + b"}"
    status, answer = await _raw(harness, "/api/orders", body, as_user="op1")
    assert (status, answer["error"]["code"]) == (400, "text-invalid")  # type: ignore[index]
    response = await harness.call("GET", "/api/kb/search?q=%00", as_user="op1")
    assert response.status == 400


async def test_a_proper_surrogate_pair_is_fine(harness: DeskHarness) -> None:
    body = b'{"order_type": "help", "subject": "\\ud83d\\ude00 emoji"}'
    status, answer = await _raw(harness, "/api/orders", body, as_user="op1")
    assert status == 201, answer


@pytest.mark.parametrize("digits", ["١", "１", "²", "1_0", " 1"])
async def test_unicode_digits_are_not_ids(harness: DeskHarness, digits: str) -> None:
    response = await harness.call("GET", f"/api/orders/{digits}", as_user="sup1")
    assert response.status == 404
    limit = await harness.call("GET", f"/api/orders?limit={digits}", as_user="sup1")
    assert limit.status == 400


async def test_a_405_says_which_methods_are_allowed(harness: DeskHarness) -> None:
    response = await harness.client.delete("/api/auth/login")
    assert response.status == 405
    assert "POST" in response.headers["Allow"]
    assert (await response.json())["error"]["code"] == "method-not-allowed"


async def test_kb_wildcards_are_literal_and_a_liaison_sees_only_own_departments(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock, harness: DeskHarness
) -> None:
    kb = KnowledgeBase(sessions=sessions, clock=clock)
    report = await kb.import_csv(
        "department_code,question,answer,keywords\n"
        f"{DEPT_A},身份证丢了怎么办,到户籍窗口补办,身份证\n"
        f"{DEPT_B},户口迁移要什么材料,户口簿和准迁证,户口 100%\n"
    )
    assert report.created == 2
    assert [e.department_code for e in await kb.search("%")] == [DEPT_B]  # not everything
    assert len(await kb.search("100%")) == 1
    assert await kb.search("_") == []
    own = await (await harness.call("GET", "/api/kb/search?q=", as_user="li_a")).json()
    assert {e["department_code"] for e in own["entries"]} == {DEPT_A}
    probe = await harness.call("GET", f"/api/kb/search?department={DEPT_B}", as_user="li_a")
    assert (await probe.json())["entries"] == []
    staff = await (await harness.call("GET", "/api/kb/search", as_user="op1")).json()
    assert {e["department_code"] for e in staff["entries"]} == {DEPT_A, DEPT_B}


async def test_kb_import_refuses_unknown_departments(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    kb = KnowledgeBase(sessions=sessions, clock=clock)
    report = await kb.import_csv(
        f"department_code,question,answer\nno.such.dept,问,答\n{DEPT_A},问,答\n",
        departments={DEPT_A},
    )
    assert report.created == 1
    assert report.errors == [(2, "no department with code 'no.such.dept'")]


def test_formula_cells_are_neutralised_and_restored() -> None:
    for cell in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx"):
        assert neutralise(cell).startswith("'")
        assert restore(neutralise(cell)) == cell
    assert neutralise("临江市公安局") == "临江市公安局"
    assert restore("'plain") == "'plain"


async def test_directory_export_has_no_formula_cells_and_imports_back(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    repository = DirectoryRepository(sessions)
    source = tmp_path / "in.csv"
    rows = SAMPLE_DIRECTORY.read_text(encoding="utf-8").splitlines()
    evil = rows[1].split(",")
    evil[3] = '=HYPERLINK("http://evil.example/","click")'.replace(",", ";")
    source.write_text("\n".join([rows[0], ",".join(evil)]) + "\n", encoding="utf-8")
    assert (await import_csv(source, repository)).ok
    exported = tmp_path / "out.csv"
    await export_csv(exported, repository)
    with exported.open(encoding="utf-8", newline="") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    again = await import_csv(exported, repository)
    assert (again.ok, again.counts.unchanged) == (True, 1)


async def test_directory_import_refuses_an_unknown_city_unless_asked(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    repository = DirectoryRepository(sessions)
    assert (await import_csv(SAMPLE_DIRECTORY, repository)).ok  # the first import defines them
    rows = SAMPLE_DIRECTORY.read_text(encoding="utf-8").splitlines()
    typo = rows[1].replace("临江市", "临江巿", 1).replace("linjiang.gongan", "x.typo", 1)
    source = tmp_path / "typo.csv"
    source.write_text(f"{rows[0]}\n{typo}\n", encoding="utf-8")
    refused = await import_csv(source, repository)
    assert [e.reason for e in refused.errors] == [
        "unknown city '临江巿' (import with --create-cities to add it)"
    ]
    assert (await import_csv(source, repository, create_cities=True)).ok


def test_cli_failures_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOTLINE_LOG_LEVEL", "warning")
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["db", "downgrade", "zzz"]) == 1
    err = capsys.readouterr().err
    assert err == "hotline: migration: Can't locate revision identified by 'zzz'\n"
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("city,code\n北京".encode("gb18030"))
    for argv in (["directory", "import", str(latin)], ["kb", "import", str(latin)]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert "is not UTF-8 text" in err
    assert main(["users", "add", "bob", "--role", "operator", "--password", "a"]) == 1
    assert capsys.readouterr().err == "hotline: a password needs at least 10 characters\n"


def test_kb_cli_refuses_departments_not_in_the_directory(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kb.sqlite3'}"
    upgrade(url)
    settings = Settings(data_dir=tmp_path, database_url=url)
    faq = tmp_path / "faq.csv"
    faq.write_text("department_code,question,answer\nnowhere,问,答\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    kb_cli.register(sub)
    directory_cli.register(sub)
    args = parser.parse_args(["kb", "import", str(faq)])
    assert args.handler(args, settings) == 1
    bad = parser.parse_args(["kb", "import", str(tmp_path / "missing.csv")])
    with pytest.raises(CommandError):
        bad.handler(bad, settings)
