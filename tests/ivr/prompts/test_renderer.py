"""PromptRenderer renders real speech with espeak-ng, once per text, without blocking the loop."""

from __future__ import annotations

import asyncio
import time
import wave
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ivr.prompts import (
    ENGINE_PYTTSX3,
    Prompt,
    PromptCatalog,
    PromptRenderer,
    PromptRenderError,
    is_prompt_key,
)
from ivr.prompts.catalog import Hotline
from tests.ivr.prompts.conftest import wav_facts


def assert_asterisk_ready(prompt: Prompt) -> None:
    facts = wav_facts(prompt.path)
    assert facts.header[:4] == b"RIFF"
    assert facts.header[8:12] == b"WAVE"
    assert (facts.rate, facts.channels, facts.sample_width) == (8000, 1, 2)
    assert facts.duration_s == pytest.approx(prompt.duration_s)
    assert prompt.duration_s > 0.3
    # Speech, not silence: espeak-ng output sits far above this RMS.
    assert facts.rms > 500


async def test_renders_8khz_mono_16bit_speech(renderer: PromptRenderer, tmp_path: Path) -> None:
    prompt = await renderer.render("您好，再见")

    assert prompt.path == tmp_path / "prompts" / f"{prompt.key}.wav"
    assert is_prompt_key(prompt.key)
    assert prompt.text == "您好，再见"
    assert_asterisk_ready(prompt)


async def test_longer_text_gives_longer_prompt(renderer: PromptRenderer) -> None:
    short = await renderer.render("你好")
    number = await renderer.render("电话66100100")

    assert number.duration_s > short.duration_s + 1.0


async def test_cache_hit_does_not_render_again(renderer: PromptRenderer) -> None:
    first = await renderer.render("再见")
    second = await renderer.render("再见")

    assert second == first
    assert renderer.render_count == 1


async def test_files_from_an_earlier_run_are_reused(tmp_path: Path) -> None:
    earlier = PromptRenderer(data_dir=tmp_path)
    made = await earlier.render("谢谢")
    later = PromptRenderer(data_dir=tmp_path)

    again = await later.render("谢谢")

    assert again.path == made.path
    assert again.duration_s == made.duration_s
    assert later.render_count == 0


async def test_key_depends_on_voice_rate_and_text(tmp_path: Path) -> None:
    base = PromptRenderer(data_dir=tmp_path)
    faster = PromptRenderer(data_dir=tmp_path, rate=base.rate + 20)
    other_voice = PromptRenderer(data_dir=tmp_path, voice="cmn")

    keys = {base.key_for("你好"), faster.key_for("你好"), other_voice.key_for("你好")}

    assert len(keys | {base.key_for("您好")}) == 4
    assert base.key_for(" 你好 ") == base.key_for("你好")


async def test_concurrent_requests_for_one_text_render_once(renderer: PromptRenderer) -> None:
    prompts = await asyncio.gather(*(renderer.render("请稍候") for _ in range(8)))

    assert len({p.key for p in prompts}) == 1
    assert renderer.render_count == 1


async def test_render_many_keeps_order_and_skips_duplicates(renderer: PromptRenderer) -> None:
    prompts = await renderer.render_many(["一", "二", "一"])

    assert [p.text for p in prompts] == ["一", "二", "一"]
    assert prompts[0] == prompts[2]
    assert renderer.render_count == 2


async def test_a_cancelled_caller_does_not_cancel_the_shared_render(
    renderer: PromptRenderer,
) -> None:
    hung_up = asyncio.create_task(renderer.render("正在为您转接"))
    waiting = asyncio.create_task(renderer.render("正在为您转接"))
    await asyncio.sleep(0)
    hung_up.cancel()

    prompt = await waiting

    assert_asterisk_ready(prompt)
    assert renderer.render_count == 1


async def test_rendering_leaves_the_event_loop_free(tmp_path: Path) -> None:
    # ~2 minutes of speech take ~0.15 s to synthesise and resample: done inline, that
    # would stall the ticker (every 5 ms) for about the whole render.
    renderer = PromptRenderer(data_dir=tmp_path)
    long_text = "。".join(PromptCatalog(Hotline.SWITCHBOARD_114).fixed().values())
    gaps: list[float] = []

    async def tick() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    try:
        prompt = await renderer.render(long_text)
    finally:
        elapsed = time.perf_counter() - started
        ticker.cancel()
        await renderer.aclose()

    assert prompt.duration_s > 100
    assert elapsed > 0.05
    assert max(gaps) < elapsed / 2
    assert len(gaps) > elapsed / 0.005 * 0.5


async def test_falls_back_to_pyttsx3_without_the_espeak_command(tmp_path: Path) -> None:
    renderer = PromptRenderer(data_dir=tmp_path, espeak_command="/nonexistent/espeak-ng")

    prompt = await renderer.render("喂，您好")

    assert_asterisk_ready(prompt)
    assert renderer.render_count == 1


async def test_pyttsx3_renders_the_same_speech_as_the_command(tmp_path: Path) -> None:
    by_command = PromptRenderer(data_dir=tmp_path / "command")
    by_pyttsx3 = PromptRenderer(data_dir=tmp_path / "pyttsx3", engines=(ENGINE_PYTTSX3,))
    texts = ["好的", "电话66100100", "好的"]

    expected = await by_command.render_many(texts)
    # One after another: each pyttsx3 render must hold its own text, never the previous one's.
    rendered = [await by_pyttsx3.render(text) for text in texts]

    # The speech must match to the sample; only the end pause may be shorter: pyttsx3
    # 2.99 drops the samples of espeak's last callback (silence), and how espeak splits
    # its callbacks depends on how busy the machine is.
    assert [_speech_end_s(p.path) for p in rendered] == [_speech_end_s(p.path) for p in expected]
    for got, want in zip(rendered, expected, strict=True):
        assert want.duration_s - 0.25 <= got.duration_s <= want.duration_s
    assert_asterisk_ready(rendered[1])


def _speech_end_s(path: Path) -> float:
    """Where the last audible sample of a prompt is, in seconds."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = array("h", wav.readframes(wav.getnframes()))
    last = max((i for i, sample in enumerate(samples) if abs(sample) > 64), default=0)
    return round(last / rate, 3)


async def test_no_engine_available_raises_render_error(tmp_path: Path) -> None:
    renderer = PromptRenderer(
        data_dir=tmp_path, espeak_command="/nonexistent/espeak-ng", voice="nosuchvoice"
    )

    with pytest.raises(PromptRenderError, match=r"espeak-ng.*pyttsx3.*nosuchvoice") as failure:
        await renderer.render("你好")
    # A failed render is not remembered: the next call tries again (and fails again).
    with pytest.raises(PromptRenderError):
        await renderer.render("你好")

    assert failure.value.code == "prompt-render-failed"
    assert failure.value.status == 503
    assert list((tmp_path / "prompts").iterdir()) == []


async def test_unknown_voice_fails_clearly(tmp_path: Path) -> None:
    renderer = PromptRenderer(data_dir=tmp_path, voice="nosuchvoice")

    with pytest.raises(PromptRenderError, match="nosuchvoice"):
        await renderer.render("你好")


async def test_empty_text_is_refused(renderer: PromptRenderer) -> None:
    with pytest.raises(PromptRenderError, match="empty"):
        await renderer.render("  ")


async def test_http_media_uri_names_the_prompt_url(renderer: PromptRenderer) -> None:
    prompt = await renderer.render("你好")

    uri = renderer.media_uri(prompt, "http://127.0.0.1:8088/")

    assert uri == f"sound:http://127.0.0.1:8088/prompts/{prompt.key}.wav"


async def test_sounds_folder_mode_copies_the_file_and_names_it_without_extension(
    tmp_path: Path,
) -> None:
    sounds = tmp_path / "asterisk-sounds" / "hotline"
    renderer = PromptRenderer(data_dir=tmp_path / "data", sounds_dir=sounds)

    prompt = await renderer.render("再见")

    assert renderer.media_uri(prompt) == f"sound:hotline/{prompt.key}"
    assert (sounds / f"{prompt.key}.wav").read_bytes() == prompt.path.read_bytes()


async def test_media_uri_needs_a_base_url_or_a_sounds_folder(renderer: PromptRenderer) -> None:
    prompt = await renderer.render("再见")

    with pytest.raises(ValueError, match="sounds folder"):
        renderer.media_uri(prompt)


async def test_the_whole_12345_catalog_prerenders(renderer: PromptRenderer) -> None:
    catalog = PromptCatalog(Hotline.CITIZEN_12345)

    prompts = await renderer.render_many(catalog.fixed().values())

    assert renderer.render_count == len(catalog.fixed())
    greeting = prompts[0]
    assert greeting.text == catalog.greeting
    assert_asterisk_ready(greeting)
    # GB/T 33358: the 12345 caller must reach a choice within 15 s.
    assert greeting.duration_s < 15


async def test_a_shared_executor_is_left_running_on_close(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=1) as shared:
        renderer = PromptRenderer(data_dir=tmp_path, executor=shared)
        await renderer.render("你好")

        await renderer.aclose()

        assert shared.submit(sum, [1, 2]).result(timeout=5) == 3
