"""Partial names in a directory the size of a province: the fragment finds what holds it.

Thirty more cities with the home city's departments, and two district offices of each
home department (鼓楼分局, 天河办事处): the same words then stand in thousands of names,
and a fragment of a long name must still find that name rather than a shorter one that
merely sounds or looks alike.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from directory.matcher import DirectoryIndex, MatchTarget
from tests.directory.test_matcher import HOME_CITY, sample_targets

_HEADS = "东西南北青"
_TAILS = "江河湖州阳城"
_OFFICES = (("鼓楼", "分局", "Gulou Branch"), ("天河", "办事处", "Tianhe Office"))


def province() -> list[MatchTarget]:
    """The sample directory, its home city copied into 30 more cities, district offices."""
    targets = sample_targets()
    home = [t for t in targets if t.city == HOME_CITY]
    known = {t.city for t in targets}
    cities = [f"{h}{t}市" for h in _HEADS for t in _TAILS if f"{h}{t}市" not in known]
    for city in cities:
        for department in home:
            name = department.name.replace(HOME_CITY, city).replace(HOME_CITY[:-1], city[:-1])
            code = department.code.replace("linjiang", city)
            targets.append(replace(department, code=code, name=name, city=city))
    for department in home:
        for district, office, english in _OFFICES:
            targets.append(
                MatchTarget(
                    f"{department.code}.{district}",
                    f"{department.name}{district}{office}",
                    f"{department.name_en} {english}",
                    (),
                    HOME_CITY,
                )
            )
    return targets


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex.build(province(), home_city=HOME_CITY)


@pytest.mark.parametrize(
    ("fragment", "code"),
    [
        # The tail of a long name: the short-list used to fill up with other offices.
        ("室天河办事处", "linjiang.bianban.天河"),
        ("规划局鼓", "linjiang.guihua.鼓楼"),
        # 行 reads hang in 银行 but xing alone: the characters still match.
        ("行鼓楼分局", "linjiang.renmin-yinhang.鼓楼"),
        # Holding the whole fragment beats being a shorter name that it holds.
        ("旅游局鼓", "linjiang.wenlv.鼓楼"),
        ("税务局鼓", "linjiang.shuiwu.鼓楼"),
    ],
)
def test_fragment_finds_the_one_department_that_holds_it(
    index: DirectoryIndex, fragment: str, code: str
) -> None:
    result = index.search(fragment)
    assert result.results, f"no result for {fragment!r}"
    assert result.results[0].code == code


@pytest.mark.parametrize(
    ("fragment", "family"),
    [
        # 交通集团 (the bus company), not 交通运输局, which only shares 交通.
        ("交通集", "linjiang.gongjiao"),
        # 交通警察支队 and its offices, not 公安局, which the name only starts with.
        ("警察支", "linjiang.gongan-jiaojing"),
    ],
)
def test_fragment_shared_by_a_family_finds_one_of_that_family(
    index: DirectoryIndex, fragment: str, family: str
) -> None:
    result = index.search(fragment)
    assert result.results, f"no result for {fragment!r}"
    assert result.results[0].code.split(".")[0:2] == family.split(".")


def test_fragment_results_stay_in_the_home_city_before_other_cities(
    index: DirectoryIndex,
) -> None:
    result = index.search("出入境管理")
    assert result.results[0].code == "linjiang.gongan-churujing"
    cities = [match.city for match in result.results]
    assert cities == sorted(cities, key=lambda city: city != HOME_CITY)
