"""质检 on the desk: supervisors play a call's recording from the call and order pages and
save a score; everyone else is refused (403) and sees no recording."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from agent_desk import audit
from agent_desk.auth import Role
from ivr.call_records import CallRecord
from ivr.simulator.audio import silence, write_wav
from tests.agent_desk.conftest import PASSWORD, DeskHarness
from tests.agent_desk.test_browser import signed_in

CALL = "call-q1"


async def _recorded_call(
    h: DeskHarness, tmp_path: Path, call_id: str = CALL, platform: str = "linjiang"
) -> tuple[int, str]:
    """A transferred call with its kept recording and the order filed from it."""
    audio = tmp_path / f"{call_id}.wav"
    write_wav(audio, silence(3.0))
    async with h.sessions() as session:
        session.add(CallRecord(call_id=call_id, channel_id=f"ch-{call_id}", hotline_number="12345",
                               caller_number="13900000001", started_at=h.clock.now(),
                               outcome="transferred", steps=[], talk_s=3,
                               platform=platform))  # fmt: skip
        await session.commit()
    created = await h.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "complaint", "subject": "转接后投诉", "call_id": call_id,
        "caller_number": "13900000001"})  # fmt: skip
    assert created.status == 201, await created.text()
    number = (await created.json())["number"]
    return await h.add_quality_recording(call_id, audio=audio), number


async def test_a_supervisor_plays_and_scores_from_the_call_page(
    harness: DeskHarness, tmp_path: Path
) -> None:
    recording_id, number = await _recorded_call(harness, tmp_path)
    page = await harness.call("GET", f"/desk/calls/{CALL}", as_user="sup1")
    assert page.status == 200
    html = await page.text()
    assert f'src="/api/quality/recordings/{recording_id}/audio"' in html
    assert f'href="/desk/orders/{number}"' in html
    assert "quality.js" in html
    audio = await harness.call(
        "GET", f"/api/quality/recordings/{recording_id}/audio", as_user="sup1"
    )
    assert audio.status == 200
    assert audio.content_type == "audio/wav"
    assert (await audio.read())[:4] == b"RIFF"
    form = {"score": 86, "notes": "用语规范，答复及时"}
    saved = await harness.call(
        "POST", f"/api/quality/recordings/{recording_id}/score", as_user="sup1", json=form
    )
    assert saved.status == 200, await saved.text()
    body = await saved.json()
    assert (body["score"], body["notes"], body["scored_by"]) == (86, "用语规范，答复及时", "sup1")
    assert body["scored_at"] is not None
    listed = await harness.call("GET", f"/api/quality/recordings?call_id={CALL}", as_user="admin1")
    assert [r["score"] for r in (await listed.json())["recordings"]] == [86]
    actions = [e.action for e in await audit.recent(harness.sessions, limit=50)]
    assert "quality.play" in actions
    assert "quality.score" in actions


async def test_the_order_page_shows_the_calls_recording_to_supervisors(
    harness: DeskHarness, tmp_path: Path
) -> None:
    recording_id, number = await _recorded_call(harness, tmp_path)
    page = await harness.call("GET", f"/desk/orders/{number}", as_user="sup1")
    html = await page.text()
    assert f'data-recording="{recording_id}"' in html
    assert f'href="/desk/calls/{CALL}"' in html
    operator_page = await harness.call("GET", f"/desk/orders/{number}", as_user="op1")
    assert "/api/quality/recordings/" not in await operator_page.text()


async def test_an_operator_may_neither_play_nor_score(harness: DeskHarness, tmp_path: Path) -> None:
    recording_id, _ = await _recorded_call(harness, tmp_path)
    for user in ("op1", "li_a"):
        audio = await harness.call(
            "GET", f"/api/quality/recordings/{recording_id}/audio", as_user=user
        )
        assert audio.status == 403
        scored = await harness.call("POST", f"/api/quality/recordings/{recording_id}/score",
                                    as_user=user, json={"score": 100})  # fmt: skip
        assert scored.status == 403
        assert (await scored.json())["error"]["code"] == "forbidden"
    page = await harness.call("GET", f"/desk/calls/{CALL}", as_user="op1")
    assert page.status == 200
    assert "/api/quality/recordings/" not in await page.text()


async def test_a_county_supervisor_sees_only_the_countys_recordings(
    harness: DeskHarness, tmp_path: Path
) -> None:
    city, _ = await _recorded_call(harness, tmp_path)
    county, _ = await _recorded_call(harness, tmp_path, call_id="call-qh", platform="qinghe")
    await harness.desk.auth.add_user("sup_qh", Role.SUPERVISOR, password=PASSWORD,
                                     platform="qinghe")  # fmt: skip
    hidden = await harness.call("GET", f"/api/quality/recordings/{city}/audio", as_user="sup_qh")
    assert hidden.status == 404
    scored = await harness.call("POST", f"/api/quality/recordings/{city}/score",
                                as_user="sup_qh", json={"score": 10})  # fmt: skip
    assert scored.status == 404
    listed = await harness.call("GET", f"/api/quality/recordings?call_id={CALL}", as_user="sup_qh")
    assert (await listed.json())["recordings"] == []
    own = await harness.call("GET", f"/api/quality/recordings/{county}/audio", as_user="sup_qh")
    assert own.status == 200


async def test_a_score_outside_0_to_100_is_refused(harness: DeskHarness, tmp_path: Path) -> None:
    recording_id, _ = await _recorded_call(harness, tmp_path)
    path = f"/api/quality/recordings/{recording_id}/score"
    for bad in (101, -1, "90", 9.5, None):
        response = await harness.call("POST", path, as_user="sup1", json={"score": bad})
        assert response.status == 400, bad
        assert (await response.json())["error"]["details"] == {"field": "score"}
    missing = await harness.call("POST", "/api/quality/recordings/999999/score", as_user="sup1",
                                 json={"score": 50})  # fmt: skip
    assert missing.status == 404


PLAYED = """async () => {
  const audio = document.querySelector("#quality audio");
  audio.load();
  await new Promise((ready, failed) => {
    audio.oncanplay = ready;
    audio.onerror = () => failed(new Error("the recording does not load"));
  });
  return audio.duration;
}"""


@pytest.mark.browser
async def test_in_the_browser_a_supervisor_plays_and_scores(
    browser: Browser, harness: DeskHarness, tmp_path: Path
) -> None:
    recording_id, _ = await _recorded_call(harness, tmp_path)
    page = await signed_in(browser, harness, "sup1")
    await page.goto(str(harness.client.make_url(f"/desk/calls/{CALL}")))
    assert 2.5 <= await page.evaluate(PLAYED) <= 3.5
    form = page.locator(f'form.quality-form[data-recording="{recording_id}"]')
    await form.locator("input[name=score]").fill("92")
    await form.locator("textarea[name=notes]").fill("耐心细致")
    await form.locator("button[type=submit]").click()
    line = page.locator(f'li[data-quality="{recording_id}"] .quality-score')
    await expect(line).to_have_attribute("data-score", "92")
    await expect(line).to_contain_text("sup1")
    row = await harness.desk.quality.get(recording_id, platforms=None)
    assert (row.score, row.notes, row.scored_by) == (92, "耐心细致", "sup1")
