"""The sites file: the shipped sample, and errors that name the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.sites import SitesFileError, load_sites, parse_sites

GOOD = """
[sites.a]
name = "临江市"
hotline_numbers = ["12345"]
[[sites.a.seats]]
id = "a-1"
endpoint = "PJSIP/seat-a-1"
skills = ["mandarin"]
[[sites.a.neighbours]]
site = "b"
max_longest_wait_s = 30
max_queue_length = 5
max_overflow_share = 0.3

[sites.b]
name = "青山市"
[[sites.b.seats]]
id = "b-1"
endpoint = "PJSIP/seat-b-1"
"""


def test_sample_has_the_three_cities_with_their_seats_and_neighbours() -> None:
    config = load_sites()
    assert [(s.name, len(s.seats)) for s in config.sites] == [
        ("临江市", 12),
        ("青山市", 6),
        ("白沙市", 4),
        ("临江市清河县", 2),
    ]
    county = config.site("qinghe")
    assert (county.parent, county.hotline_numbers) == ("linjiang", ("83312345",))
    assert [n.site for n in county.neighbours] == ["linjiang"]
    for site in (s for s in config.sites if s.parent is None):
        assert set(site.hotline_numbers) == {"12345", "114", "96128"}
        cities = {s.id for s in config.sites if s.parent is None}
        assert {n.site for n in site.neighbours} == cities - {site.id}
    assert config.seat_by_endpoint("PJSIP/seat-lj-01") == config.seat("lj-01")
    assert "linjiang-dialect" in config.seat("lj-01").skills
    assert config.site_of_seat("bs-04").name == "白沙市"


def test_defaults_apply_to_optional_keys() -> None:
    config = parse_sites(GOOD)
    b = config.site("b")
    assert b.wrapup_s == 30.0
    assert b.hotline_numbers == ()
    assert b.seats[0].enabled
    assert b.seats[0].skills == frozenset()


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (('name = "临江市"', ""), "sites.a.name", "missing"),
        (
            ("max_queue_length = 5", 'max_queue_length = "five"'),
            "sites.a.neighbours[0].max_queue_length",
            "number",
        ),
        (
            ("max_overflow_share = 0.3", "max_overflow_share = 1.5"),
            "sites.a.neighbours[0].max_overflow_share",
            "between 0 and 1",
        ),
        (('site = "b"', 'site = "c"'), "sites.a.neighbours[0].site", "unknown site 'c'"),
        (('site = "b"', 'site = "a"'), "sites.a.neighbours[0].site", "itself"),
        (('id = "b-1"', 'id = "a-1"'), "sites.b.seats[0].id", "already used"),
        (('name = "青山市"', 'name = "青山市"\nparent = "z"'), "sites.b.parent", "unknown site"),
        (('name = "青山市"', 'name = "青山市"\nparent = "b"'), "sites.b.parent", "cycle"),
        (
            ('name = "青山市"', 'name = "青山市"\nparent = "a"\nhotline_numbers = ["12345"]'),
            "sites.b.hotline_numbers",
            "already belongs to 'a'",
        ),
        (
            ('endpoint = "PJSIP/seat-b-1"', 'endpoint = "PJSIP/seat-a-1"'),
            "sites.b.seats[0].endpoint",
            "already used",
        ),
        (('skills = ["mandarin"]', 'skills = "mandarin"'), "sites.a.seats[0].skills", "list"),
        (
            ('endpoint = "PJSIP/seat-b-1"', 'endpoint = "PJSIP/seat-b-1"\nenabled = "yes"'),
            "sites.b.seats[0].enabled",
            "true or false",
        ),
    ],
)
def test_errors_name_the_key_and_the_problem(
    change: tuple[str, str], key: str, problem: str
) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(SitesFileError) as raised:
        parse_sites(text, path="sites.toml")
    assert raised.value.key == key
    assert problem in raised.value.problem
    assert str(raised.value).startswith(f"sites.toml: {key}: ")
    assert raised.value.to_json()["error"]["code"] == "sites-file-invalid"


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "sites.toml"
    broken.write_text("[sites.a\n", encoding="utf-8")
    with pytest.raises(SitesFileError, match="not valid TOML") as raised:
        load_sites(broken)
    assert raised.value.path == str(broken)
    with pytest.raises(SitesFileError, match="cannot be read"):
        load_sites(tmp_path / "absent.toml")
    with pytest.raises(SitesFileError, match="no site defined"):
        parse_sites("[sites]\n")
