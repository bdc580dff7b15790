"""Properties of the department lookup that hold for every department and any query."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.matcher import DirectoryIndex, MatchTarget
from directory.pinyin_keys import KnownReadings, initials, keypad_digits, syllables
from tests.directory.test_matcher import HOME_CITY, sample_targets

TARGETS = sample_targets()
# The index is built once per module; hypothesis must not complain that it is shared.
SHARED = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex.build(TARGETS, home_city=HOME_CITY)


@SHARED
@given(target=st.sampled_from(TARGETS))
def test_exact_name_finds_its_own_department_first(
    index: DirectoryIndex, target: MatchTarget
) -> None:
    result = index.search(target.name)
    assert result.results[0].code == target.code
    assert result.results[0].score == 100.0


@SHARED
@given(
    query=st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8"),
            st.sampled_from("公安局税务水积金临江青山市 gongjijnshuwxyz1234567890"),
        ),
        max_size=30,
    ),
    limit=st.integers(min_value=0, max_value=8),
)
def test_any_query_returns_at_most_limit_results_sorted_by_score(
    index: DirectoryIndex, query: str, limit: int
) -> None:
    result = index.search(query, limit=limit)
    scores = [match.score for match in result.results]
    assert len(scores) <= limit
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 100.0 for score in scores)
    assert len({match.code for match in result.results}) == len(scores)
    if result.ambiguous:
        assert len(scores) >= 2


@SHARED
@given(digits=st.text(alphabet="0123456789*#", max_size=12))
def test_any_keypad_input_returns_sorted_results(index: DirectoryIndex, digits: str) -> None:
    result = index.search_keys(digits)
    scores = [match.score for match in result.results]
    assert len(scores) <= 5
    assert scores == sorted(scores, reverse=True)


@SHARED
@given(target=st.sampled_from(TARGETS))
def test_keypad_digits_of_name_initials_find_the_department(
    index: DirectoryIndex, target: MatchTarget
) -> None:
    local_name = target.name.replace(target.city, "")
    digits = keypad_digits(initials(syllables(local_name)))
    result = index.search_keys(digits, city=target.city, limit=50)
    assert target.code in {match.code for match in result.results}


def _sample_readings() -> KnownReadings:
    readings = KnownReadings()
    for target in TARGETS:
        for text in (target.name, *target.aliases):
            readings.learn(text, syllables(text))
    readings.freeze()
    return readings


READINGS = _sample_readings()


@SHARED
@given(
    target=st.sampled_from(TARGETS),
    span=st.tuples(st.integers(0, 20), st.integers(1, 20)),
    swap=st.sampled_from(["", "据", "设", "正", "工", "馆", "里", "水"]),
)
def test_known_readings_read_fragments_as_pypinyin_does(
    target: MatchTarget, span: tuple[int, int], swap: str
) -> None:
    start, size = span
    fragment = target.name[start : start + size]
    if swap and fragment:
        fragment = fragment[:-1] + swap
    read = READINGS.read(fragment)
    assert read is None or read == syllables(fragment)
