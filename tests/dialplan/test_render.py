"""Rendering the sample directory and sites: golden files, asterisklint, determinism.

Set HOTLINE_UPDATE_GOLDEN=1 to rewrite tests/dialplan/golden/ from the current renderer
(then read the diff before committing it).
"""

from __future__ import annotations

import os
import random
from pathlib import Path, PurePosixPath

import pytest

from dialplan import CONF_FILES, Rendering, RenderOptions, SecretSource, render_all
from directory import DepartmentRecord
from routing import SitesConfig, parse_sites
from tests.dialplan.lint import asterisklint

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("HOTLINE_UPDATE_GOLDEN") == "1"
OPTIONS = RenderOptions(
    ari_app="hotline",
    ari_user="hotline",
    ari_password="golden-ari-password",
    ari_url="http://127.0.0.1:8088",
    dial_timeout_s=20,
    service_numbers=("12329",),
)


def golden_secrets() -> SecretSource:
    """Readable, obviously fake passwords: the golden files must never hold a real one."""
    return SecretSource(environ={}, path=None, generate=True, new_password=lambda n: f"golden-{n}")


def render(
    records: list[DepartmentRecord], sites: SitesConfig, *, only_site: str | None = None
) -> Rendering:
    return render_all(records, sites, OPTIONS, golden_secrets(), only_site=only_site)


@pytest.fixture
def rendering(
    sample_database: tuple[str, list[DepartmentRecord]], sample_sites: SitesConfig
) -> Rendering:
    return render(sample_database[1], sample_sites)


def test_every_site_gets_its_four_files(rendering: Rendering) -> None:
    assert sorted(str(path) for path in rendering.files) == sorted(
        f"{site}/{name}"
        for site in ("baisha", "linjiang", "qingshan", "qinghe")
        for name in CONF_FILES
    )
    assert rendering.warnings == ()


def test_matches_golden_files_byte_for_byte(rendering: Rendering) -> None:
    if UPDATE:
        for relative, text in rendering.files.items():
            target = GOLDEN.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
    stored = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.conf"))
    assert stored == sorted(str(path) for path in rendering.files)
    for relative, text in rendering.files.items():
        expected = GOLDEN.joinpath(*relative.parts).read_bytes()
        assert text.encode("utf-8") == expected, f"{relative} differs from its golden file"


@pytest.mark.parametrize("site", ["baisha", "linjiang", "qingshan", "qinghe"])
@pytest.mark.parametrize("name", CONF_FILES)
def test_golden_file_passes_asterisklint(site: str, name: str) -> None:
    result = asterisklint(GOLDEN / site / name)
    assert result.ok, result.output


def test_asterisklint_catches_a_broken_file(tmp_path: Path) -> None:
    """The lint step can fail: a priority missing and an option outside any section."""
    bad = tmp_path / "extensions.conf"
    text = (GOLDEN / "baisha" / "extensions.conf").read_text(encoding="utf-8")
    bad.write_text(text.replace(" same => n,Answer()", " same => Answer()", 1), encoding="utf-8")
    assert not asterisklint(bad).ok
    stray = tmp_path / "pjsip.conf"
    stray.write_text("type=endpoint\n", encoding="utf-8")
    assert not asterisklint(stray).ok


def test_output_ignores_input_order(
    sample_database: tuple[str, list[DepartmentRecord]], sample_sites: SitesConfig
) -> None:
    records = list(sample_database[1])
    random.Random(8).shuffle(records)
    shuffled = SitesConfig(sites=tuple(reversed(sample_sites.sites)))
    assert render(records, shuffled).files == render(sample_database[1], sample_sites).files


def test_hotline_numbers_go_to_stasis_with_the_dialled_number(rendering: Rendering) -> None:
    text = rendering.files[next(p for p in rendering.files if str(p) == "linjiang/extensions.conf")]
    context = text.split("[hotline-linjiang-public]\n", 1)[1].split("\n\n", 1)[0]
    assert context.splitlines()[:6] == [
        "exten => 114,1,NoOp(hotline 114 at linjiang)",
        " same => n,Answer()",
        " same => n,Set(HOTLINE_TRIES=1)",
        " same => n,Stasis(hotline,${EXTEN})",
        # no controller connected: Stasis() fails at once, and the fallback holds the call
        ' same => n,GotoIf($["${STASISSTATUS}" = "FAILED"]'
        "?hotline-linjiang-no-controller,${EXTEN},1)",
        " same => n,Hangup()",
    ]
    assert [line.split(",")[0] for line in context.splitlines() if line.startswith("exten")] == [
        "exten => 114",
        "exten => 12329",  # the liaisons' voicemail line (a service number of every site)
        "exten => 12345",
        "exten => 96128",
    ]


def test_without_a_controller_callers_hold_then_ring_the_operators(rendering: Rendering) -> None:
    # Stasis() on an app no WebSocket holds fails at once (ari-traces README): the call
    # is retried with a "please hold", then every local seat rings — no silent hang-up.
    text = rendering.files[next(p for p in rendering.files if str(p) == "linjiang/extensions.conf")]
    context = text.split("[hotline-linjiang-no-controller]\n", 1)[1].split("\n\n", 1)[0]
    lines = context.splitlines()
    assert lines[0].startswith("exten => _X.,1,")
    assert " same => n,Playback(${HOTLINE_HOLD_SOUND})" in lines
    assert " same => n,Stasis(hotline,${EXTEN})" in lines
    assert ' same => n,GotoIf($["${STASISSTATUS}" = "FAILED"]?1)' in lines
    operators = next(line for line in lines if "(operators)" in line)
    assert operators.startswith(" same => n(operators),Dial(PJSIP/seat-lj-01&PJSIP/seat-lj-02&")
    assert "HOTLINE_STASIS_RETRIES=4" in text


def test_liaisons_of_each_city_land_on_their_site(
    rendering: Rendering, sample_database: tuple[str, list[DepartmentRecord]]
) -> None:
    by_site = {"linjiang": "临江市", "qingshan": "青山市", "baisha": "白沙市"}
    for site, city in by_site.items():
        pjsip = next(t for p, t in rendering.files.items() if str(p) == f"{site}/pjsip.conf")
        for record in sample_database[1]:
            for endpoint in (record.liaison_endpoint, record.backup_endpoint):
                if not endpoint:
                    continue
                section = f"[{endpoint.removeprefix('PJSIP/')}-auth]"
                assert (section in pjsip) == (record.city == city), (site, endpoint)


def test_trunks_go_both_ways_and_remote_seats_cross_them() -> None:
    sites = parse_sites(
        """
        [sites.a]
        name = "A"
        hotline_numbers = ["12345"]
        [[sites.a.seats]]
        id = "a1"
        endpoint = "PJSIP/seat-a1"
        [[sites.a.neighbours]]
        site = "b"
        max_longest_wait_s = 30
        max_queue_length = 5
        max_overflow_share = 0.3
        [sites.b]
        name = "B"
        hotline_numbers = ["12345"]
        [[sites.b.seats]]
        id = "b1"
        endpoint = "PJSIP/seat-b1"
        """
    )
    files = {str(p): t for p, t in render([], sites).files.items()}
    # b never overflows, but a does, so b needs the trunk to receive a's calls
    assert "[trunk-a-identify]" in files["b/pjsip.conf"]
    assert "match=pbx-a.hotline.internal" in files["b/pjsip.conf"]
    assert "exten => seat-b1,1,Dial(PJSIP/seat-b1@trunk-b," in files["a/extensions.conf"]
    assert "[hotline-b-remote-seats]\n\n" in files["b/extensions.conf"] + "\n"


def test_unplaceable_rows_are_warnings_not_failures(sample_sites: SitesConfig) -> None:
    def record(code: str, city: str, liaison: str) -> DepartmentRecord:
        return DepartmentRecord.from_row(
            {
                "city": city,
                "code": code,
                "name": code,
                "hours": "mon-fri 09:00-17:00",
                "service_phone": "12345678",
                "liaison_endpoint": liaison,
            }
        )

    rendering = render(
        [
            record("x.far", "远方市", "PJSIP/far-1"),
            record("x.local", "临江市", "Local/100@liaisons"),
            record("x.seat", "临江市", "PJSIP/seat-lj-01"),
        ],
        sample_sites,
    )
    warnings = "\n".join(rendering.warnings)
    assert "远方市" in warnings
    assert "x.local" in warnings
    assert "Local/100@liaisons" in warnings
    assert "seat-lj-01 is also a seat" in warnings
    linjiang = next(t for p, t in rendering.files.items() if str(p) == "linjiang/pjsip.conf")
    assert linjiang.count("[seat-lj-01-auth]") == 1
    assert "far-1" not in "".join(rendering.files.values())


def test_a_site_can_be_rendered_alone(rendering: Rendering, sample_sites: SitesConfig) -> None:
    alone = render([], sample_sites, only_site="baisha")
    assert sorted(str(p) for p in alone.files) == [f"baisha/{n}" for n in sorted(CONF_FILES)]
    with pytest.raises(KeyError, match="nowhere"):
        render([], sample_sites, only_site="nowhere")


def _endpoint_sections(text: str) -> dict[str, list[str]]:
    """pjsip.conf's endpoint sections: name -> option lines."""
    sections: dict[str, list[str]] = {}
    for block in text.split("\n["):
        name, _, body = block.partition("]\n")
        lines = body.splitlines()
        if "type=endpoint" in lines:
            sections[name.lstrip("[")] = lines
    return sections


def test_liaison_phones_may_not_transfer_the_caller_onward(rendering: Rendering) -> None:
    """One transfer only: Asterisk's pjsip `allow_transfer = no` refuses a liaison phone's
    REFER; the seats (whose operators transfer through the desk) and trunks keep theirs."""
    for site in ("baisha", "linjiang", "qingshan"):
        sections = _endpoint_sections(rendering.files[PurePosixPath(f"{site}/pjsip.conf")])
        liaisons = {n: o for n, o in sections.items() if f"context=hotline-{site}-liaisons" in o}
        assert liaisons, site
        for name, options in liaisons.items():
            assert "allow_transfer=no" in options, f"{site}: {name}"
        others = [o for o in sections.values() if f"context=hotline-{site}-liaisons" not in o]
        assert others
        assert all("allow_transfer=no" not in options for options in others)
