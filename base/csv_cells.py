"""CSV cells that a spreadsheet will not run: formula injection (CWE-1236) neutralised.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Sheets as a formula (`=HYPERLINK(…)`, `=cmd|…`). Exports prefix such a
cell with an apostrophe, which spreadsheets show as text and do not display; imports
take one such apostrophe off again, so an export imports back to the same values.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it but never evaluates it."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The value `neutralise` was given (other cells are left as they are)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
