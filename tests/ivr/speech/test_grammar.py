"""SpeechGrammar: phrases cut into vocabulary words, cities, commands, rebuilds."""

from __future__ import annotations

import json

from directory import MatchTarget
from ivr.speech import MANDARIN_COMMANDS, UNKNOWN_WORD, SpeechGrammar, join_words

# A Mandarin-like vocabulary: some whole words, every single character of the names.
VOCABULARY = {
    "公安局", "公安", "局", "临江", "市", "人工", "转", "留言", "着火", "救命", "车祸",
    "报警", "急救", "服务", "接线员", "税务", "税务局", "医院", "人民", "第一", UNKNOWN_WORD,
    *"临江市公安局税务人民医院第一",
}  # fmt: skip
TARGETS = [
    MatchTarget("gaj", "临江市公安局", "Public Security Bureau", ("公安局", "派出所"), "临江市"),
    MatchTarget("swj", "税务局", "Tax Bureau", (), "临江市"),
]


def test_names_are_cut_into_the_fewest_vocabulary_words() -> None:
    grammar = SpeechGrammar(TARGETS, vocabulary=VOCABULARY.__contains__)
    assert "临江 市 公安局" in grammar.phrases
    assert "税务局" in grammar.phrases
    assert "公安局" in grammar.phrases


def test_phrases_outside_the_vocabulary_are_dropped_not_mangled() -> None:
    grammar = SpeechGrammar(TARGETS, vocabulary=VOCABULARY.__contains__)
    assert grammar.dropped == ("派出所",)
    assert all("派" not in phrase for phrase in grammar.phrases)


def test_cities_with_and_without_suffix_and_commands_are_included() -> None:
    grammar = SpeechGrammar(TARGETS, cities=["江北区"], vocabulary=VOCABULARY.__contains__)
    assert {"临江 市", "临江"} <= set(grammar.phrases)
    assert "江北区" in grammar.dropped  # 北 and 区 are not in the vocabulary
    assert {"人工", "转 人工", "留言", "着火", "救命", "车祸", "报警", "急救"} <= set(
        grammar.phrases
    )
    assert grammar.phrases[-1] == UNKNOWN_WORD


def test_unknown_word_only_when_the_model_has_it() -> None:
    grammar = SpeechGrammar(TARGETS, vocabulary=(VOCABULARY - {UNKNOWN_WORD}).__contains__)
    assert UNKNOWN_WORD not in grammar.phrases


def test_json_is_the_vosk_phrase_list_and_rebuild_replaces_the_directory() -> None:
    grammar = SpeechGrammar(TARGETS, vocabulary=VOCABULARY.__contains__)
    assert json.loads(grammar.json) == list(grammar.phrases)
    first = grammar.version
    grammar.rebuild([MatchTarget("yy", "第一人民医院", "", (), "临江市")])
    assert grammar.version == first + 1
    assert "税务局" not in grammar.phrases
    assert "第一 人民 医院" in grammar.phrases
    assert "人工" in grammar.phrases  # commands survive a rebuild
    assert grammar.departments_in("临江第一人民医院") == ("yy",)


def test_without_a_vocabulary_phrases_pass_as_written() -> None:
    grammar = SpeechGrammar(TARGETS, commands=MANDARIN_COMMANDS)
    assert "临江市公安局" in grammar.phrases
    assert grammar.dropped == ()


def test_departments_in_prefers_the_longest_name() -> None:
    grammar = SpeechGrammar(TARGETS, vocabulary=VOCABULARY.__contains__)
    assert grammar.departments_in("临江 市 公安局") == ("gaj",)
    assert grammar.departments_in("我 找 税务局") == ("swj",)
    assert grammar.departments_in("天气") == ()


def test_join_words_spaces_only_between_non_han_words() -> None:
    assert join_words(["临江", "市", "公安局"]) == "临江市公安局"
    assert join_words(["서울", "병원"]) == "서울 병원"
    assert join_words(["12345", "热线"]) == "12345 热线"
