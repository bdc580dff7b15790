"""Prompt texts become the tone-numbered pinyin the cmn-latn-pinyin voice reads."""

from __future__ import annotations

import pytest

from ivr.prompts import cardinal, numbers_to_hanzi, spell_digits, to_pinyin_speech


def test_phone_number_is_read_digit_by_digit_with_yao_for_one() -> None:
    assert spell_digits("66100100") == "六六幺零零幺零零"
    assert numbers_to_hanzi("电话66100100") == "电话六六幺零零幺零零"


def test_phone_number_becomes_tone_numbered_syllables() -> None:
    assert to_pinyin_speech("66100100") == "liu4 liu4 yao1 ling2 ling2 yao1 ling2 ling2"


def test_hotline_numbers_are_spelled() -> None:
    assert to_pinyin_speech("拨打12345") == "bo1 da3 yao1 er4 san1 si4 wu3"
    assert numbers_to_hanzi("114和96128") == "幺幺四和九六幺二八"


def test_area_code_group_gets_a_pause() -> None:
    assert numbers_to_hanzi("0571-88776655") == "零五七幺，八八七七六六五五"
    assert to_pinyin_speech("0571-8877") == "ling2 wu3 qi1 yao1, ba1 ba1 qi1 qi1"


def test_key_and_count_digits_are_cardinals() -> None:
    assert numbers_to_hanzi("请按1") == "请按一"
    assert numbers_to_hanzi("第15位") == "第十五位"
    # 两, not 二, before a measure word.
    assert numbers_to_hanzi("2个工作日") == "两个工作日"
    assert numbers_to_hanzi("5个工作日") == "五个工作日"


def test_leading_zero_pair_is_spelled() -> None:
    assert numbers_to_hanzi("分机07") == "分机零七"


def test_office_hours_are_read_as_clock_times() -> None:
    assert numbers_to_hanzi("8:30-17:00") == "八点三十分至十七点"


@pytest.mark.parametrize(
    ("number", "reading"),
    [
        (0, "零"),
        (10, "十"),
        (19, "十九"),
        (20, "二十"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (9999, "九千九百九十九"),
    ],
)
def test_cardinal_readings(number: int, reading: str) -> None:
    assert cardinal(number) == reading


def test_cardinal_refuses_numbers_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="0-9999"):
        cardinal(10000)


def test_hanzi_become_tone3_pinyin_with_polyphones_in_context() -> None:
    assert to_pinyin_speech("重庆银行") == "chong2 qing4 yin2 hang2"
    assert to_pinyin_speech("绿化") == "lv4 hua4"


def test_neutral_tone_is_five_and_yi_bu_sandhi_applied() -> None:
    assert to_pinyin_speech("好的") == "hao3 de5"
    assert to_pinyin_speech("不是一个") == "bu2 shi4 yi2 ge4"


def test_chinese_punctuation_becomes_pauses() -> None:
    assert to_pinyin_speech("您好，再见。") == "nin2 hao3, zai4 jian4."
    assert to_pinyin_speech("《通知》：请按#号键") == "tong1 zhi1: qing3 an4 jing3 hao4 jian4"


def test_ascii_words_are_kept() -> None:
    assert to_pinyin_speech("ATM机") == "ATM ji1"


def test_full_width_digits_are_read_too() -> None:
    assert to_pinyin_speech("１１４") == "yao1 yao1 si4"


def test_the_12345_greeting_has_no_digits_or_hanzi_left() -> None:
    speech = to_pinyin_speech(
        "您好，12345政务服务便民热线，请说出或按键输入部门名称拼音首字母，人工服务请按0"
    )
    assert speech.startswith("nin2 hao3, yao1 er4 san1 si4 wu3 zheng4 wu4")
    assert speech.endswith("qing3 an4 ling2")
    assert speech.isascii()
    assert not any(word.isdigit() for word in speech.split())
