"""Errors of the prompt package, on the project's error base so each carries a stable code."""

from __future__ import annotations

from base.errors import NotFound, ServiceUnavailable


class PromptRenderError(ServiceUnavailable):
    """No speech engine could turn a prompt text into an Asterisk-ready WAV file."""

    code = "prompt-render-failed"


class PromptNotFound(NotFound):
    """No rendered prompt has this key (or the key is not a key at all)."""

    code = "prompt-not-found"
