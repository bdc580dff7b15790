"""IVR prompts: Chinese phrases rendered once to 8 kHz WAV with espeak-ng, served to Asterisk."""

from ivr.prompts.catalog import Hotline, PromptCatalog
from ivr.prompts.errors import PromptNotFound, PromptRenderError
from ivr.prompts.http import prompt_routes
from ivr.prompts.pinyin import cardinal, numbers_to_hanzi, spell_digits, to_pinyin_speech
from ivr.prompts.renderer import DEFAULT_RATE, DEFAULT_VOICE, Prompt, PromptRenderer, is_prompt_key
from ivr.prompts.synth import ENGINE_ESPEAK_CLI, ENGINE_PYTTSX3, TELEPHONY_RATE

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_VOICE",
    "ENGINE_ESPEAK_CLI",
    "ENGINE_PYTTSX3",
    "TELEPHONY_RATE",
    "Hotline",
    "Prompt",
    "PromptCatalog",
    "PromptNotFound",
    "PromptRenderError",
    "PromptRenderer",
    "cardinal",
    "is_prompt_key",
    "numbers_to_hanzi",
    "prompt_routes",
    "spell_digits",
    "to_pinyin_speech",
]
