"""Liaison targets: never a premium-rate line, a fax, a switchboard or a duty line; the
error names the rule that refused it, in a CSV row and on the desk's department edit."""

from __future__ import annotations

import pytest

from directory import DepartmentRecord, RecordError, target_refusal

ROW = {"city": "临江市", "code": "x.test", "name": "测试局", "name_en": "", "aliases": "",
       "kind": "government", "service_phone": "66101234", "complaint_phone": "66201234",
       "supervision_phone": "66301234", "liaison": "张三", "liaison_endpoint": "PJSIP/lj-x",
       "backup_endpoint": "", "hours": "mon-fri 08:30-17:30", "address": "",
       "duties": ""}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "rule"),
    [({"liaison_endpoint": "PJSIP/16800000000@trunk"}, "premium-rate"),
     ({"backup_endpoint": "PJSIP/1601234567@trunk"}, "premium-rate"),
     ({"liaison_endpoint": "PJSIP/+8616812345678@trunk"}, "premium-rate"),
     ({"liaison_endpoint": "PJSIP/fax-lj-x"}, "fax"),
     ({"liaison": "办公室传真"}, "fax"),
     ({"liaison": "值班室"}, "duty-line"),
     ({"liaison_endpoint": "PJSIP/66101234@trunk"}, "switchboard"),  # its own service line
     ({"backup_endpoint": "PJSIP/057166201234@trunk"}, "switchboard"),  # complaint, area code
     ({"liaison_endpoint": "PJSIP/12345@trunk"}, "switchboard"),
     ({"liaison_endpoint": "PJSIP/95598@trunk"}, "switchboard"),
     ({"liaison_endpoint": "PJSIP/4008001234@trunk"}, "switchboard"),
     ({"liaison_endpoint": "PJSIP/10086@trunk"}, "switchboard"),
     ({"liaison": "总机"}, "switchboard")],
)  # fmt: skip
def test_a_liaison_target_is_refused_naming_the_rule(changes: dict[str, str], rule: str) -> None:
    with pytest.raises(RecordError, match=f"rule {rule}") as refused:
        DepartmentRecord.from_row({**ROW, **changes})
    assert "liaison target" in str(refused.value)
    field = next(iter(changes)) if "endpoint" in next(iter(changes)) else "liaison_endpoint"
    assert str(refused.value).startswith(field)


@pytest.mark.parametrize(
    "endpoint",
    ["PJSIP/lj-x", "PJSIP/66109999@trunk", "PJSIP/13800138000@trunk", "PJSIP/16612345678@trunk",
     "PJSIP/057166109999@trunk"],
)  # fmt: skip
def test_a_direct_line_is_a_good_liaison_target(endpoint: str) -> None:
    assert target_refusal(endpoint, ROW) is None
    assert DepartmentRecord.from_row({**ROW, "liaison_endpoint": endpoint}).liaison_endpoint == (
        endpoint
    )


def test_the_public_service_number_itself_stays_allowed_as_a_phone_field() -> None:
    # 95598 is a utility's published number: fine to read to a caller, not to transfer to.
    record = DepartmentRecord.from_row({**ROW, "service_phone": "95598"})
    assert record.service_phone == "95598"
