"""Ranked knowledge-base search over the shipped sample KB: whole questions, reordered
words and pinyin find the right entry first; a liaison still sees only their own."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from agent_desk.kb import SAMPLE_KB, KnowledgeBase
from agent_desk.kb_search import EntryText, Query, best
from base.config import Settings
from hotline.cli import kb as kb_cli
from hotline.migrate import upgrade
from tests.agent_desk.conftest import DeskHarness
from tests.conftest import SAMPLE_DIRECTORY

ID_CARDS = "linjiang.gongan-huzheng"
LOST_ID_CARD = "身份证丢了怎么补办？"


async def _sample(harness: DeskHarness) -> KnowledgeBase:
    codes = {t.code for t in harness.desk.directory.targets()}
    report = await harness.desk.kb.import_csv(SAMPLE_KB.read_text(encoding="utf-8"),
                                              departments=codes)  # fmt: skip
    assert report.errors == []
    assert report.created >= 36
    return harness.desk.kb


@pytest.mark.parametrize(
    "text", ["身份证丢了怎么办", "补办身份证", "身份证 补办", "我的身份证遗失了"]
)
async def test_chinese_questions_find_the_lost_id_card_entry_first(
    harness: DeskHarness, text: str
) -> None:
    kb = await _sample(harness)
    found = await kb.search(text)
    assert found[0].question == LOST_ID_CARD
    assert found[0].department_code == ID_CARDS


async def test_pinyin_finds_the_id_card_entries(harness: DeskHarness) -> None:
    kb = await _sample(harness)
    found = await kb.search("shenfenzheng")
    assert found[0].department_code == ID_CARDS
    assert "身份证" in found[0].question
    assert all("身份证" in e.question + e.keywords + e.answer for e in found)
    # Retroflexes and nasal endings said loosely, and initials, find the same.
    assert (await kb.search("senfenzen"))[0].department_code == ID_CARDS
    assert (await kb.search("sfz"))[0].department_code == ID_CARDS


async def test_other_questions_find_their_department(harness: DeskHarness) -> None:
    kb = await _sample(harness)
    assert (await kb.search("社保卡丢了"))[0].department_code == "linjiang.renshe"
    assert (await kb.search("怎么提取公积金"))[0].department_code == "linjiang.gongjijin"
    assert (await kb.search("个税退税"))[0].department_code.endswith(".shuiwu")
    assert (await kb.search("煤气漏了"))[0].department_code == "linjiang.ranqi"
    assert await kb.search("火星移民签证") == []


async def test_ranking_puts_the_question_before_a_mention_in_an_answer() -> None:
    entries = [
        EntryText.of("社保卡丢了怎么补办？", "社保卡", "携带身份证到网点补办。"),
        EntryText.of("身份证丢了怎么补办？", "身份证|补办", "到户籍窗口补领。"),
    ]
    assert best(Query.parse("补办身份证"), entries, 5) == [1, 0]
    assert best(Query.parse("怎么办"), entries, 5) == []  # question words alone match nothing


async def test_a_liaison_searches_only_their_own_departments(harness: DeskHarness) -> None:
    await _sample(harness)
    staff = await harness.call("GET", "/api/kb/search?q=身份证丢了怎么办", as_user="op1")
    assert (await staff.json())["entries"][0]["department_code"] == ID_CARDS
    # li_a answers for another department: the ID-card entries are not theirs to see.
    liaison = await harness.call("GET", "/api/kb/search?q=身份证丢了怎么办", as_user="li_a")
    entries = (await liaison.json())["entries"]
    assert all(e["department_code"] != ID_CARDS for e in entries)


def test_kb_import_sample_loads_the_shipped_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kb.sqlite3'}"
    upgrade(url)
    settings = Settings(data_dir=tmp_path, database_url=url)
    from hotline.cli import directory as directory_cli

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    kb_cli.register(sub)
    directory_cli.register(sub)
    for argv in (["directory", "import", str(SAMPLE_DIRECTORY)], ["kb", "import", "--sample"]):
        args = parser.parse_args(argv)
        assert args.handler(args, settings) == 0
    assert "40 created" in capsys.readouterr().out
