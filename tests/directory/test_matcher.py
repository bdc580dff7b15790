"""The department lookup ranks the right department first for what callers say and key."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from directory.matcher import DirectoryIndex, LookupResult, MatchTarget

REPO_ROOT = Path(__file__).resolve().parents[2]
HOME_CITY = "临江市"


def sample_directory_path() -> Path:
    """The sample directory CSV: $HOTLINE_SAMPLE_DIRECTORY, the shipped copy, or the shared one."""
    configured = os.environ.get("HOTLINE_SAMPLE_DIRECTORY")
    if configured:
        return Path(configured)
    shipped = REPO_ROOT / "directory" / "data" / "sample_directory.csv"
    return shipped if shipped.exists() else REPO_ROOT.parent / "shared" / "data" / "directory.csv"


def sample_targets() -> list[MatchTarget]:
    """Every department of the sample directory as a match target."""
    with sample_directory_path().open(encoding="utf-8", newline="") as handle:
        return [
            MatchTarget(
                code=row["code"],
                name=row["name"],
                name_en=row["name_en"],
                aliases=tuple(alias for alias in (row["aliases"] or "").split("|") if alias),
                city=row["city"],
            )
            for row in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex.build(sample_targets(), home_city=HOME_CITY)


def top(result: LookupResult) -> str:
    assert result.results, f"no result for {result.query!r}"
    return result.results[0].code


def test_index_holds_every_sample_department(index: DirectoryIndex) -> None:
    assert len(index) == len(sample_targets())


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("临江市公安局", "linjiang.gongan"),
        ("国家税务总局临江市税务局", "linjiang.shuiwu"),
        ("临江市住房公积金管理中心", "linjiang.gongjijin"),
        ("临江市市场监督管理局", "linjiang.shichang"),
    ],
)
def test_exact_full_name_ranks_its_department_first(
    index: DirectoryIndex, query: str, code: str
) -> None:
    result = index.search(query)
    assert top(result) == code
    assert result.results[0].score == 100.0
    assert result.results[0].matched == "name"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("公积金管理", "linjiang.gongjijin"),
        ("市场监督", "linjiang.shichang"),
        ("出入境管理", "linjiang.gongan-churujing"),
        ("残疾人联合", "linjiang.canlian"),
    ],
)
def test_partial_name_ranks_its_department_first(
    index: DirectoryIndex, query: str, code: str
) -> None:
    assert top(index.search(query)) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("工商局", "linjiang.shichang"),
        ("质监局", "linjiang.shichang"),
        ("劳动局", "linjiang.renshe"),
        ("卫计委", "linjiang.weijian"),
        ("国土局", "linjiang.guihua"),
        ("车管所", "linjiang.gongan-jiaojing"),
    ],
)
def test_alias_or_former_name_finds_the_department(
    index: DirectoryIndex, query: str, code: str
) -> None:
    result = index.search(query)
    assert top(result) == code
    assert result.results[0].matched == f"alias:{query}"
    assert not result.ambiguous


@pytest.mark.parametrize(
    "query", ["青山 公积金", "青山公积金", "青山市公积金", "qingshan gongjijin"]
)
def test_city_named_in_query_picks_that_citys_department(index: DirectoryIndex, query: str) -> None:
    result = index.search(query)
    assert top(result) == "qingshan.gongjijin"
    assert not result.ambiguous


def test_without_a_city_the_home_citys_department_ranks_first(index: DirectoryIndex) -> None:
    result = index.search("公积金")
    assert top(result) == "linjiang.gongjijin"
    assert {m.code for m in result.results[1:3]} == {"qingshan.gongjijin", "baisha.gongjijin"}
    assert not result.ambiguous


def test_city_argument_prefers_that_city(index: DirectoryIndex) -> None:
    result = index.search("公积金", city="白沙市")
    assert top(result) == "baisha.gongjijin"
    assert top(index.search("民政局", city="青山")) == "qingshan.minzheng"


@pytest.mark.parametrize("query", ["gongjijin", "gong ji jin", "gong1 ji1 jin1", "GongJiJin"])
def test_full_pinyin_with_or_without_spaces_and_tones(index: DirectoryIndex, query: str) -> None:
    result = index.search(query)
    assert top(result) == "linjiang.gongjijin"
    assert result.results[0].matched == "pinyin"


@pytest.mark.parametrize(
    ("query", "code"), [("gjj", "linjiang.gongjijin"), ("rsj", "linjiang.renshe")]
)
def test_pinyin_initials_find_the_department(index: DirectoryIndex, query: str, code: str) -> None:
    result = index.search(query)
    assert top(result) == code
    assert result.results[0].matched == "initials"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("公安据", "linjiang.gongan"),
        ("人设局", "linjiang.renshe"),
        ("民正局", "linjiang.minzheng"),
        ("婚因登记", "linjiang.minzheng"),
    ],
)
def test_homophones_from_speech_recognition_match_by_sound(
    index: DirectoryIndex, query: str, code: str
) -> None:
    result = index.search(query)
    assert top(result) == code
    assert result.results[0].matched == "pinyin"
    assert not result.ambiguous


def test_fuzzy_initials_zh_z_and_eng_en_are_forgiven(index: DirectoryIndex) -> None:
    # 民正 (min zheng) said as "min zen": retroflex and nasal ending both lost.
    assert top(index.search("min zen ju")) == "linjiang.minzheng"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("公积全", "linjiang.gongjijin"),
        ("住房公积管理中心", "linjiang.gongjijin"),
        ("市场监管理局", "linjiang.shichang"),
        ("gongjijn", "linjiang.gongjijin"),
    ],
)
def test_typos_and_missing_characters_still_match(
    index: DirectoryIndex, query: str, code: str
) -> None:
    assert top(index.search(query)) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [("稅務局", "linjiang.shuiwu"), ("國家稅務總局臨江市稅務局", "linjiang.shuiwu")],
)
def test_traditional_characters_match_simplified_names(
    index: DirectoryIndex, query: str, code: str
) -> None:
    assert top(index.search(query)) == code


def test_full_width_and_punctuation_are_ignored(index: DirectoryIndex) -> None:
    assert top(index.search("「公安局」！")) == "linjiang.gongan"
    assert top(index.search("ＧＪＪ")) == "linjiang.gongjijin"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("tax bureau", "linjiang.shuiwu"),
        ("public security", "linjiang.gongan"),
        ("Housing Provident Fund", "linjiang.gongjijin"),
    ],
)
def test_english_names_match(index: DirectoryIndex, query: str, code: str) -> None:
    result = index.search(query)
    assert top(result) == code
    assert result.results[0].matched == "name_en"


def test_each_result_carries_code_name_city_score_and_what_matched(index: DirectoryIndex) -> None:
    result = index.search("工商局")
    first = result.results[0]
    assert (first.code, first.name, first.city) == (
        "linjiang.shichang",
        "临江市市场监督管理局",
        "临江市",
    )
    assert 0.0 <= first.score <= 100.0
    payload = result.to_json()
    assert payload["query"] == "工商局"
    assert payload["ambiguous"] is False
    assert payload["results"][0] == {  # type: ignore[index]
        "code": "linjiang.shichang",
        "name": "临江市市场监督管理局",
        "city": "临江市",
        "score": 100.0,
        "matched": "alias:工商局",
    }


def test_same_toneless_pinyin_is_ambiguous(index: DirectoryIndex) -> None:
    # 税务局 and 水务公司 are both "shuiwu": the IVR must ask which one.
    result = index.search("shuiwu")
    assert result.ambiguous
    assert {m.code for m in result.results[:2]} == {"linjiang.shuiwu", "linjiang.zilaishui"}


def test_clear_winner_is_not_ambiguous(index: DirectoryIndex) -> None:
    result = index.search("税务局")
    assert top(result) == "linjiang.shuiwu"
    assert not result.ambiguous


def test_keypad_initials_of_name_rank_home_city_first(index: DirectoryIndex) -> None:
    result = index.search_keys("425")  # 公安局 → G-A-J
    assert [m.code for m in result.results[:3]] == [
        "linjiang.gongan",
        "baisha.gongan",
        "qingshan.gongan",
    ]
    assert result.results[0].matched == "keys"
    assert not result.ambiguous


def test_keypad_prefers_name_initials_over_alias_initials(index: DirectoryIndex) -> None:
    # 425 is also 环保局 (H-B-J), an alias of the ecology bureau: it comes after the names.
    result = index.search_keys("425", limit=10)
    codes = [m.code for m in result.results]
    assert codes.index("linjiang.huanbao") > codes.index("qingshan.gongan")
    assert result.results[codes.index("linjiang.huanbao")].matched == "keys:alias:环保局"


def test_keypad_accepts_city_prefixed_full_initials(index: DirectoryIndex) -> None:
    # 青山市公安局 → Q-S-S-G-A-J → 7-7-7-4-2-5
    assert top(index.search_keys("777425")) == "qingshan.gongan"


def test_keypad_is_ambiguous_when_candidates_share_the_top_score(index: DirectoryIndex) -> None:
    # 公路局 (G-L-J) and 公积金 (G-J-J) both key to 4-5-5, both aliases in the home city.
    result = index.search_keys("455")
    assert result.ambiguous
    assert {m.code for m in result.results[:2]} == {"linjiang.gonglu", "linjiang.gongjijin"}
    assert result.results[0].score == result.results[1].score


def test_keypad_city_argument_puts_that_city_first(index: DirectoryIndex) -> None:
    assert top(index.search_keys("425", city="青山市")) == "qingshan.gongan"


def test_digits_typed_into_search_go_to_the_keypad(index: DirectoryIndex) -> None:
    assert top(index.search("425")) == "linjiang.gongan"


def test_nonsense_and_empty_queries_return_nothing(index: DirectoryIndex) -> None:
    assert index.search("").results == ()
    assert index.search("！？。").results == ()
    assert index.search_keys("0000").results == ()


def test_district_sharing_a_city_name_is_not_taken_for_that_city() -> None:
    targets = [
        MatchTarget("lj.chaoyang", "临江市朝阳区民政局", "Chaoyang Civil Affairs", (), "临江市"),
        MatchTarget("lj.minzheng", "临江市民政局", "Civil Affairs Bureau", (), "临江市"),
        MatchTarget("cy.minzheng", "朝阳市民政局", "Civil Affairs Bureau", (), "朝阳市"),
    ]
    index = DirectoryIndex.build(targets, home_city="临江市")
    assert top(index.search("朝阳区民政局")) == "lj.chaoyang"
    assert top(index.search("朝阳民政局")) == "cy.minzheng"


def test_build_knows_cities_given_without_departments() -> None:
    targets = [
        MatchTarget("lj.gongan", "临江市公安局", "Public Security Bureau", ("公安",), "临江市")
    ]
    index = DirectoryIndex.build(targets, home_city="临江市", cities=["江北市"])
    result = index.search("江北公安")
    # The caller named a city the directory has nothing for: the home city's answer remains.
    assert top(result) == "lj.gongan"
    assert result.results[0].score < 100.0
