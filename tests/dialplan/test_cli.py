"""`hotline dialplan render`: from the database to files, secrets kept outside the output."""

from __future__ import annotations

import argparse
import re
import stat
from pathlib import Path

import pytest

from base.config import Settings, load_settings
from directory import DepartmentRecord
from hotline.cli import dialplan as dialplan_cli
from hotline.cli.common import CommandError
from tests.dialplan.lint import asterisklint

GOLDEN = Path(__file__).with_name("golden")
_PASSWORD = re.compile(r"^password=.*$", re.MULTILINE)


def command(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hotline")
    dialplan_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["dialplan", *argv])
    result: int = args.handler(args, settings)
    return result


def run(settings: Settings, *argv: str, hosts_checked: bool = False) -> int:
    """`hotline dialplan render`; the sample sites' pbx-<site>.hotline.internal names do
    not resolve on a test machine, so the host check is off unless asked for."""
    extra = () if hosts_checked else ("--allow-unresolved-hosts",)
    return command(settings, "render", *argv, *extra)


@pytest.fixture
def settings(sample_database: tuple[str, list[DepartmentRecord]], tmp_path: Path) -> Settings:
    return load_settings(
        {
            "HOTLINE_DATABASE_URL": sample_database[0],
            "HOTLINE_DATA_DIR": str(tmp_path / "var"),
            "HOTLINE_ARI_PASSWORD": "golden-ari-password",
        }
    )


def masked(text: str) -> str:
    return _PASSWORD.sub("password=***", text)


def test_renders_the_database_like_the_golden_files_and_saves_new_secrets(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "asterisk"
    assert run(settings, "--out", str(out)) == 0
    for golden in GOLDEN.rglob("*.conf"):
        rendered = out / golden.relative_to(GOLDEN)
        assert masked(rendered.read_text("utf-8")) == masked(golden.read_text("utf-8"))
    secrets_file = settings.data_dir / "sip-secrets.toml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    first = (out / "linjiang" / "pjsip.conf").read_bytes()
    assert b"password=golden" not in first
    passwords = _PASSWORD.findall(first.decode())
    assert len(set(passwords)) == len(passwords) == 111  # one random password per phone
    assert "new SIP password(s) saved" in capsys.readouterr().out

    assert run(settings, "--out", str(out)) == 0
    assert (out / "linjiang" / "pjsip.conf").read_bytes() == first
    assert "0 changed, 16 unchanged" in capsys.readouterr().out


def test_environment_password_wins(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_SIP_SECRET_SEAT_LJ_01", "from-the-environment")
    monkeypatch.setenv("HOTLINE_SIP_HOST_QINGSHAN", "10.20.0.5")
    out = tmp_path / "asterisk"
    assert run(settings, "--out", str(out), "--site", "linjiang") == 0
    pjsip = (out / "linjiang" / "pjsip.conf").read_text("utf-8")
    auth = pjsip.split("[seat-lj-01-auth]\n", 1)[1].split("\n\n", 1)[0]
    assert "password=from-the-environment" in auth
    assert "contact=sip:10.20.0.5:5060" in pjsip
    assert sorted(p.name for p in out.iterdir()) == ["linjiang"]


def test_missing_secret_without_generation_is_an_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="HOTLINE_SIP_SECRET_SEAT_BS_01"):
        run(settings, "--out", str(tmp_path / "o"), "--site", "baisha", "--no-generate")
    with pytest.raises(CommandError, match="no site 'atlantis'"):
        run(settings, "--out", str(tmp_path / "o"), "--site", "atlantis")


def test_https_ari_url_turns_on_tls(settings: Settings, tmp_path: Path) -> None:
    tls = load_settings(
        {
            "HOTLINE_DATABASE_URL": settings.database_url,
            "HOTLINE_DATA_DIR": str(settings.data_dir),
            "HOTLINE_ARI_URL": "https://10.1.2.3:8089",
        }
    )
    out = tmp_path / "tls"
    assert run(tls, "--out", str(out), "--site", "baisha") == 0
    http = (out / "baisha" / "http.conf").read_text("utf-8")
    assert "tlsenable=yes\ntlsbindaddr=10.1.2.3:8089\n" in http
    assert "bindaddr=127.0.0.1\n" in http
    result = asterisklint(out / "baisha" / "http.conf")
    assert result.ok, result.output


def test_render_refuses_trunk_hosts_that_do_not_resolve(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asterisk 22 drops an identify whose match host does not resolve, silently.
    out = tmp_path / "asterisk"
    monkeypatch.setenv("HOTLINE_SIP_HOST_BAISHA", "pbx-baisha.hotline.invalid")
    monkeypatch.setenv("HOTLINE_SIP_HOST_QINGSHAN", "10.20.0.5")
    monkeypatch.setenv("HOTLINE_SIP_HOST_QINGHE", "10.20.0.9")  # the county's PBX
    with pytest.raises(CommandError, match="HOTLINE_SIP_HOST_BAISHA") as refused:
        run(settings, "--out", str(out), "--site", "linjiang", hosts_checked=True)
    assert "match=pbx-baisha.hotline.invalid" in str(refused.value)
    assert "qingshan" not in str(refused.value)  # an address needs no resolving
    assert not out.exists()
    monkeypatch.setenv("HOTLINE_SIP_HOST_BAISHA", "127.0.0.1")
    assert run(settings, "--out", str(out), "--site", "linjiang", hosts_checked=True) == 0


def test_check_reports_unresolvable_hosts_in_rendered_files(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOTLINE_SIP_HOST_LINJIANG", "pbx-linjiang.hotline.invalid")
    out = tmp_path / "asterisk"
    assert run(settings, "--out", str(out), "--site", "baisha") == 0
    capsys.readouterr()
    assert command(settings, "check", "--dir", str(out)) == 1
    report = capsys.readouterr().out
    assert (
        "baisha/pjsip.conf [trunk-linjiang-identify] match=pbx-linjiang.hotline.invalid" in report
    )
    assert "HOTLINE_SIP_HOST_LINJIANG" in report
    assert "1 pjsip.conf checked" in report
