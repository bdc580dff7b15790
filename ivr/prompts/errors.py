"""Errors of the prompt renderer, each with a stable code for logs and API replies."""

from __future__ import annotations


class PromptRenderError(Exception):
    """No speech engine could turn a prompt text into an Asterisk-ready WAV file."""

    code = "prompt-render-failed"
