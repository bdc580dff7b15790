"""The SIP hosts a pjsip.conf depends on, and which of them resolve."""

from __future__ import annotations

from dialplan import HostUse, host_uses, resolves, unresolvable

PJSIP = """
[trunk-baisha]
type=aor
contact=sip:pbx-baisha.example:5060
[trunk-baisha-identify] ; matched by address
type=identify
endpoint=trunk-baisha
match=pbx-baisha.example, 10.0.0.0/24
[seat-1]
type=endpoint
rewrite_contact=yes
[seat-1]
type=aor
max_contacts=1
"""


def test_identify_matches_and_trunk_contacts_are_found() -> None:
    assert host_uses(PJSIP) == [
        HostUse("trunk-baisha", "contact", "pbx-baisha.example"),
        HostUse("trunk-baisha-identify", "match", "pbx-baisha.example"),
        HostUse("trunk-baisha-identify", "match", "10.0.0.0/24"),
    ]


def test_each_host_is_looked_up_once_and_addresses_always_resolve() -> None:
    asked: list[str] = []

    def resolve(host: str) -> bool:
        asked.append(host)
        return resolves(host) if host[0].isdigit() else False

    failed = unresolvable(host_uses(PJSIP), resolve)
    assert [use.option for use in failed] == ["contact", "match"]
    assert asked == ["pbx-baisha.example", "10.0.0.0/24"]
    assert resolves("127.0.0.1")
    assert resolves("::1")
    assert not resolves("pbx.hotline.invalid")
