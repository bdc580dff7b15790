"""The after-call survey through the simulator: the caller keys a rating, or does not."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from agent_desk.orders import OrderDraft, OrderType, Urgency
from agent_desk.orders.models import OrderVoicemail, WorkOrder
from ivr.flow.survey import SurveyConfigError, parse_survey_after
from ivr.prompts import Hotline, PromptCatalog
from ivr.simulator import SimCall
from ivr.simulator.callers import send_dtmf
from tests.ivr.flow.conftest import Harness

SURVEY = PromptCatalog(Hotline.SWITCHBOARD_114).text("survey")


async def press_when_heard(hotline: Harness, call: SimCall, text: str, keys: str) -> None:
    """Key `keys` once the caller hears the prompt saying `text` (real-time poll)."""
    wanted = hotline.running.renderer.key_for(text)
    async with asyncio.timeout(1500):
        while True:
            if any(wanted in uri for uri in call.heard):
                break
            await asyncio.sleep(0.01)
    sim = hotline.sim
    await send_dtmf(sim, sim.channel(call.channel_id), call, keys)


def busy_liaisons(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")


async def test_after_a_transfer_the_caller_rates_the_call(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=5)
    call = hotline.call(keys="425#", hangup_after=150)
    rating = asyncio.create_task(press_when_heard(hotline, call, SURVEY, "4"))
    record = await hotline.record_of(call)
    await rating
    assert record["outcome"] == "transferred"
    assert record["survey_rating"] == 4
    survey = next(s for s in record["steps"] if s["step"] == "survey")
    assert survey == {"t": survey["t"], "step": "survey", "after": "transfer", "rating": 4}


async def test_no_key_is_no_rating(hotline: Harness) -> None:
    busy_liaisons(hotline)
    # 12345 asks after a voicemail too (114 and 96128 after transfers and operators only)
    call = hotline.call("12345", keys="425#", hangup_after=150)
    record = await hotline.record_of(call)
    assert record["outcome"] == "voicemail"
    assert record["survey_rating"] is None
    assert [s["rating"] for s in record["steps"] if s["step"] == "survey"] == [None]


async def test_a_voicemail_callers_rating_lands_on_the_order(hotline: Harness) -> None:
    busy_liaisons(hotline)
    call = hotline.call("12345", keys="425#", hangup_after=150)
    rating = asyncio.create_task(press_when_heard(hotline, call, SURVEY, "5"))
    record = await hotline.record_of(call)
    await rating
    assert record["survey_rating"] == 5
    async with hotline.components.sessions() as session:
        satisfaction = await session.scalar(
            select(WorkOrder.satisfaction)
            .join(OrderVoicemail, OrderVoicemail.order_id == WorkOrder.id)
            .where(OrderVoicemail.voicemail_id == record["voicemail"])
        )
    assert satisfaction == 5


async def test_an_order_filed_after_a_rated_call_takes_its_rating(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=5)
    call = hotline.call(keys="425#", hangup_after=150)
    rating = asyncio.create_task(press_when_heard(hotline, call, SURVEY, "2"))
    record = await hotline.record_of(call)
    await rating
    desk = hotline.running.desk
    assert desk is not None
    draft = OrderDraft(
        order_type=OrderType.COMPLAINT, urgency=Urgency.NORMAL, subject="转接后投诉",
        caller_number=record["caller"], call_id=record["call_id"],
    )  # fmt: skip
    order = await desk.orders.create(draft, actor="op1")
    assert order.satisfaction == 2


def test_the_survey_setting_is_per_number_and_checked() -> None:
    assert parse_survey_after("12345=transfer,voicemail;114=operator") == {
        "12345": frozenset({"transfer", "voicemail"}),
        "114": frozenset({"operator"}),
    }
    assert parse_survey_after("") == {}
    with pytest.raises(SurveyConfigError, match="unknown moment callback"):
        parse_survey_after("12345=callback")
    with pytest.raises(SurveyConfigError, match="not number=moment"):
        parse_survey_after("transfer")


async def test_a_number_not_configured_for_a_moment_asks_nothing(hotline: Harness) -> None:
    busy_liaisons(hotline)
    record = await hotline.record_of(hotline.call(keys="425#", hangup_after=150))
    assert record["outcome"] == "voicemail"
    assert not any(s["step"] == "survey" for s in record["steps"])
