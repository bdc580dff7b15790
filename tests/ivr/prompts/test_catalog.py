"""The catalog holds each hotline's Chinese phrases and builds the dynamic ones."""

from __future__ import annotations

import pytest

from ivr.prompts import Hotline, PromptCatalog, to_pinyin_speech


def test_each_hotline_greets_with_its_own_number() -> None:
    greetings = {hotline: PromptCatalog(hotline).greeting for hotline in Hotline}

    assert "114" in greetings[Hotline.SWITCHBOARD_114]
    assert "96128" in greetings[Hotline.INFORMATION_96128]
    assert greetings[Hotline.CITIZEN_12345] == (
        "您好，12345政务服务便民热线，请说出或按键输入部门名称拼音首字母，人工服务请按0"
    )


def test_fixed_phrases_include_the_greeting_and_the_shared_ones() -> None:
    phrases = PromptCatalog(Hotline.SWITCHBOARD_114).fixed()

    for name in (
        "greeting",
        "key_initials",
        "line_busy",
        "closed",
        "no_match",
        "goodbye",
        "emergency",
        "operator_queue",
    ):
        assert phrases[name]
    assert phrases["emergency"] == (
        "如遇火警请拨打119，医疗急救请拨打120，治安报警请拨打110，交通事故请拨打122"
    )


def test_unknown_phrase_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="goodbye"):
        PromptCatalog(Hotline.CITIZEN_12345).text("hello")


def test_department_number_is_read_digit_by_digit() -> None:
    text = PromptCatalog(Hotline.SWITCHBOARD_114).department_number("市公安局", "66100100")

    assert text.startswith("市公安局的电话号码是66100100")
    assert "liu4 liu4 yao1 ling2 ling2 yao1 ling2 ling2" in to_pinyin_speech(text)


def test_choices_number_the_candidates_from_one() -> None:
    text = PromptCatalog(Hotline.INFORMATION_96128).choices(["市税务局", "市水务公司"])

    assert text == "请选择：市税务局请按1，市水务公司请按2"
    assert "an4 yi1" in to_pinyin_speech(text)


@pytest.mark.parametrize("count", [0, 10])
def test_choices_must_fit_the_keypad(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 9"):
        PromptCatalog(Hotline.CITIZEN_12345).choices([f"部门{i}" for i in range(count)])


def test_dynamic_phrases_carry_their_values() -> None:
    catalog = PromptCatalog(Hotline.CITIZEN_12345)

    assert catalog.transferring("市医保局") == "正在为您转接市医保局，请稍候"
    assert "8:30-17:00" in catalog.closed("市医保局", "8:30-17:00")
    assert "5个工作日" in catalog.voicemail_saved(5)
    assert catalog.order_progress("20240501001", "办理中", "市住建局") == (
        "您的工单20240501001当前状态为办理中，承办单位为市住建局"
    )
    assert "杭州" in catalog.overflow("杭州")


def test_queue_position_is_a_count_not_a_spelled_number() -> None:
    catalog = PromptCatalog(Hotline.CITIZEN_12345)

    assert "一百二十位" in catalog.queue_position(120)
    assert "yi4 bai3 er4 shi2 wei4" in to_pinyin_speech(catalog.queue_position(120))
    assert "马上" in catalog.queue_position(0)
