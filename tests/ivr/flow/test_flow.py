"""The call flow against the PBX simulator: every outcome of the keypad protocol."""

from __future__ import annotations

from sqlalchemy import select

from agent_desk.orders.models import OrderVoicemail, WorkOrder
from ivr.prompts import Hotline, PromptCatalog
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.tones import write_tone


async def test_keys_then_1_read_the_number_and_end(hotline: Harness) -> None:
    # 公安局 -> G-A-J -> 425; 1 during the reading: number only.
    call = hotline.call(keys="425#", script=[{"at": 12.0, "dtmf": "1"}])
    record = await hotline.record_of(call)
    assert record["outcome"] == "info_given"
    assert record["department"] == "linjiang.gongan"
    assert record["dials"] == []


async def test_clear_match_is_transferred_to_the_liaison(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=10)
    call = hotline.call(keys="425#")
    record = await hotline.record_of(call)
    assert record["outcome"] == "transferred"
    assert record["dials"] == [{"endpoint": "PJSIP/lj-001-a", "dialstatus": "ANSWER"}]
    assert hotline.sim.summary()["bridges"] == []
    assert hotline.sim.summary()["channels"] == []


def assert_nothing_left(hotline: Harness) -> None:
    summary = hotline.sim.summary()
    assert summary["channels"] == []
    assert summary["bridges"] == []
    assert summary["playbacks"] == []
    assert summary["live_recordings"] == []


async def test_busy_liaison_and_backup_send_caller_to_voicemail(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
    call = hotline.call(keys="425#", hangup_after=80)
    record = await hotline.record_of(call)
    assert record["outcome"] == "voicemail"
    assert record["reason"] == "busy"
    assert record["dials"] == [
        {"endpoint": "PJSIP/lj-001-a", "dialstatus": "BUSY"},
        {"endpoint": "PJSIP/lj-001-b", "dialstatus": "BUSY"},
    ]
    voicemail = await hotline.components.voicemail.get(record["voicemail"])
    assert voicemail is not None
    assert voicemail.mailbox == "linjiang.gongan"
    assert voicemail.reason == "busy"
    assert voicemail.empty  # the scripted caller said nothing
    assert voicemail.reply_due.isoformat() == "2026-12-01"  # 5 working days after Tue 24 Nov
    assert_nothing_left(hotline)


async def test_unanswered_liaison_then_answering_backup_is_bridged(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "noanswer")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "answer:1", hangup_after=5)
    record = await hotline.record_of(hotline.call(keys="425#"))
    assert record["outcome"] == "transferred"
    assert record["dials"] == [
        {"endpoint": "PJSIP/lj-001-a", "dialstatus": "NOANSWER"},
        {"endpoint": "PJSIP/lj-001-b", "dialstatus": "ANSWER"},
    ]
    assert_nothing_left(hotline)


async def test_unavailable_liaison_without_backup_gives_voicemail_unavailable(
    hotline: Harness,
) -> None:
    # 出入境 -> C-R-J -> 275; linjiang.gongan-churujing has no backup endpoint.
    hotline.sim.set_endpoint("PJSIP/lj-003-a", "unavailable")
    record = await hotline.record_of(hotline.call(keys="275#", hangup_after=60))
    assert record["department"] == "linjiang.gongan-churujing"
    assert record["outcome"] == "voicemail"
    assert record["reason"] == "unavailable"
    assert record["dials"] == [{"endpoint": "PJSIP/lj-003-a", "dialstatus": "CHANUNAVAIL"}]


async def test_closed_department_takes_a_voicemail_without_dialling(hotline: Harness) -> None:
    hotline.clock.set(start=hotline.clock.now().replace(hour=21))
    record = await hotline.record_of(hotline.call(keys="425#", hangup_after=60))
    assert record["outcome"] == "voicemail"
    assert record["reason"] == "after_hours"
    assert record["dials"] == []


async def test_key_0_reaches_the_operator_fallback(hotline: Harness) -> None:
    record = await hotline.record_of(hotline.call(keys="0", hangup_after=60))
    assert record["outcome"] == "voicemail"
    assert record["reason"] == "operator_unavailable"
    voicemail = await hotline.components.voicemail.get(record["voicemail"])
    assert voicemail is not None
    assert voicemail.mailbox == "general"


async def test_key_9_is_the_emergency_referral(hotline: Harness) -> None:
    call = hotline.call(keys="9#")
    record = await hotline.record_of(call)
    assert record["outcome"] == "emergency_referral"
    assert call.ended


async def test_order_progress_without_orders_says_not_found(hotline: Harness) -> None:
    record = await hotline.record_of(hotline.call(keys="*2611240001#"))
    assert record["outcome"] == "info_given"
    assert record["reason"] == "order_status"
    order_step = next(s for s in record["steps"] if s["step"] == "order_status")
    assert order_step["order"] == "2611240001"
    assert order_step["found"] is False


async def test_no_match_twice_goes_to_the_operator(hotline: Harness) -> None:
    call = hotline.call(keys="2222222#", script=[{"at": 15.0, "dtmf": "3333333#"}], hangup_after=80)
    record = await hotline.record_of(call)
    assert record["reason"] == "operator_unavailable"
    assert [s["why"] for s in record["steps"] if s["step"] == "lookup" and "why" in s] == [
        "no match",
        "no match twice",
    ]


async def test_silence_on_12345_goes_straight_to_an_operator(hotline: Harness) -> None:
    record = await hotline.record_of(hotline.call("12345", hangup_after=60))
    assert any(s.get("why") == "silence (intake)" for s in record["steps"])
    assert record["reason"] == "operator_unavailable"


async def test_several_candidates_are_offered_and_a_key_chooses(hotline: Harness) -> None:
    result = hotline.components.directory.search_keys("425")
    assert len(result.results) > 1
    call = hotline.call(keys="425#", script=[{"at": 20.0, "dtmf": "1"}])
    record = await hotline.record_of(call)
    assert record["department"] is not None


async def test_caller_hanging_up_in_the_greeting_leaves_an_abandoned_record(
    hotline: Harness,
) -> None:
    record = await hotline.record_of(hotline.call(hangup_after=2))
    assert record["outcome"] == "abandoned"
    assert record["steps"][-1]["step"] == "hangup"
    assert_nothing_left(hotline)


async def test_caller_hanging_up_while_the_liaison_rings(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "noanswer")
    record = await hotline.record_of(hotline.call(keys="425#", hangup_after=25))
    assert record["outcome"] == "abandoned"
    assert_nothing_left(hotline)


async def test_caller_hanging_up_while_bridged_ends_the_liaison_leg(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:1")
    record = await hotline.record_of(hotline.call(keys="425#", hangup_after=50))
    assert record["outcome"] == "transferred"
    assert_nothing_left(hotline)


async def test_caller_hanging_up_while_recording_keeps_the_voicemail(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
    # speaking (a tone) keeps the recording going until the caller hangs up
    speech = hotline.components.settings.data_dir / "speech.wav"
    write_tone(speech, seconds=60.0)  # still speaking at the hang-up, 55 s into the call
    call = hotline.call(keys="425#", script=[{"on": "recording", "at": 0.5, "say": str(speech)}],
                        hangup_after=55)  # fmt: skip
    record = await hotline.record_of(call)
    assert record["outcome"] == "voicemail"
    voicemail = await hotline.components.voicemail.get(record["voicemail"])
    assert voicemail is not None
    assert not voicemail.empty
    assert voicemail.duration_s > 0
    assert record["steps"][-1]["step"] == "hangup"
    assert_nothing_left(hotline)


async def test_after_the_number_2_3_4_read_complaint_supervision_address(
    hotline: Harness,
) -> None:
    # 425 -> 临江市公安局; 2 while the number is read, 4 while the menu is read again.
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=5)
    call = hotline.call(keys="425#", script=[{"at": 12.0, "dtmf": "2"}, {"at": 30.0, "dtmf": "4"}])
    record = await hotline.record_of(call)
    asked = [s["key"] for s in record["steps"] if s["step"] == "information"]
    assert asked == ["2", "4"]
    catalog = PromptCatalog(Hotline.SWITCHBOARD_114)
    renderer = hotline.running.renderer
    complaint = renderer.key_for(catalog.complaint_number("临江市公安局", "66200100"))
    assert any(complaint in uri for uri in call.heard)
    # Nothing more asked: silence after the menu goes on to the liaison as before.
    assert record["outcome"] == "transferred"


async def test_the_menu_offers_what_the_department_has(hotline: Harness) -> None:
    catalog = PromptCatalog(Hotline.SWITCHBOARD_114)
    assert catalog.department_menu(complaint=True, supervision=True, visit=True) == (
        "按2听投诉电话，按3听监督电话，按4听地址和办公时间"
    )
    assert catalog.department_menu(complaint=False, supervision=True, visit=False) == (
        "按3听监督电话"
    )


async def test_a_voicemail_caller_hears_the_order_number_after_the_message(
    hotline: Harness,
) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
    speech = hotline.components.settings.data_dir / "speech.wav"
    write_tone(speech, seconds=4.0)
    call = hotline.call(keys="425#", script=[{"on": "recording", "at": 0.5, "say": str(speech)}],
                        hangup_after=110)  # fmt: skip
    record = await hotline.record_of(call)
    assert record["outcome"] == "voicemail"
    async with hotline.components.sessions() as session:
        number = await session.scalar(
            select(WorkOrder.number)
            .join(OrderVoicemail, OrderVoicemail.order_id == WorkOrder.id)
            .where(OrderVoicemail.voicemail_id == record["voicemail"])
        )
    assert number is not None
    said = next(s for s in record["steps"] if s["step"] == "order_number")
    assert said["order"] == number
    reading = hotline.running.renderer.key_for(
        PromptCatalog(Hotline.SWITCHBOARD_114).order_number_is(number)
    )
    assert any(reading in uri for uri in call.heard)
