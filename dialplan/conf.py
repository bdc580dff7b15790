"""Writing Asterisk's INI-like config format: sections, options, comments, nothing else.

Every renderer goes through `ConfWriter`, so the layout rules live in one place: one
blank line between sections, none inside them, no trailing spaces, one final newline —
the spacing asterisklint expects and that makes golden files stable. Values are
checked here because Asterisk reads `;` as a comment and a newline as a new line:
either would silently change what a rendered option means.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class UnsafeValue(ValueError):
    """A value would change meaning inside an Asterisk config file."""


def safe_name(name: str) -> str:
    """A section or object name Asterisk and the dialplan both take verbatim."""
    if not _NAME.match(name):
        raise UnsafeValue(f"{name!r} is not a plain name (letters, digits, '.', '_', '-')")
    return name


def safe_value(value: str) -> str:
    """An option value: one line, no comment character, no surrounding spaces."""
    if any(ch in value for ch in ";\r\n\0") or value != value.strip():
        raise UnsafeValue(f"{value!r} cannot be written as an Asterisk option value")
    return value


class ConfWriter:
    """Accumulates one config file; `text()` returns it with the layout rules applied."""

    def __init__(self, title: str) -> None:
        self._lines: list[str] = [
            f"; {title}",
            "; Rendered by `hotline dialplan render` from the directory and the sites file.",
            "; Do not edit: change the data and render again.",
        ]
        self._in_section = False

    def comment(self, text: str) -> None:
        """A comment line of its own (before a section, or inside one)."""
        for line in text.splitlines():
            self._lines.append(f"; {line}".rstrip())

    def section(self, name: str, *, comment: str = "") -> None:
        """Start `[name]`; a comment goes on the lines just above it."""
        self._lines.append("")
        if comment:
            self.comment(comment)
        self._lines.append(f"[{safe_name(name)}]")
        self._in_section = True

    def option(self, key: str, value: str | int) -> None:
        self._require_section()
        self._lines.append(f"{key}={safe_value(str(value))}")

    def line(self, text: str) -> None:
        """A line written as is (dialplan `exten =>`/`same =>`/`include =>`), checked."""
        self._require_section()
        if any(ch in text for ch in ";\r\n\0"):
            raise UnsafeValue(f"{text!r} spans several lines or holds a comment character")
        self._lines.append(text.rstrip())

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"

    def _require_section(self) -> None:
        if not self._in_section:
            raise UnsafeValue("an option must follow a section header")
