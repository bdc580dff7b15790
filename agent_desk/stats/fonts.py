"""The CJK font the charts and the PDF draw Chinese with (Debian `fonts-noto-cjk`).

matplotlib's own font list is cached from before the package was installed, so the font
file is added by path; Noto Sans CJK SC (simplified Chinese forms) comes first, DejaVu
Sans after it for any glyph it lacks. Without the package, labels fall back to DejaVu
(Chinese shows as boxes) and a warning says which package to install.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)


def use_cjk_font(matplotlib: Any) -> bool:
    """Make `matplotlib` draw sans-serif text in the CJK font; True when it is there.
    Idempotent: adding the same file again is a no-op for the font manager."""
    from matplotlib import font_manager

    present = {entry.name for entry in font_manager.fontManager.ttflist}
    if CJK_FAMILY not in present:
        for path in CJK_FILES:
            if path.is_file():
                font_manager.fontManager.addfont(str(path))
        present = {entry.name for entry in font_manager.fontManager.ttflist}
    if CJK_FAMILY not in present:
        logger.warning("no CJK font: install the Debian package fonts-noto-cjk")
        return False
    families = [CJK_FAMILY, *(f for f in matplotlib.rcParams["font.sans-serif"] if f != CJK_FAMILY)]
    matplotlib.rcParams["font.sans-serif"] = families
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK font's minus is a hyphen
    return True
