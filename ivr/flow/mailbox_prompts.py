"""The Chinese phrases of the liaisons' voicemail line (留言信箱), in `PromptCatalog` style.

Fixed phrases are keyed by name so the composition root can pre-render them with the
hotlines' own; phrases with dates, counts and numbers are built by methods. Telephone
numbers stay as Arabic digits (the renderer reads them digit by digit); counts and the
minutes of a time are spelled or kept short so they are read as quantities.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from base.clock import CHINA_TZ
from ivr.prompts import cardinal

_FIXED: Mapping[str, str] = MappingProxyType(
    {
        "welcome": "您好，这里是热线留言信箱，请输入联络员编号，输入完毕请按井号键",
        "ask_id": "请输入联络员编号，输入完毕请按井号键",
        "ask_pin": "请输入密码，输入完毕请按井号键",
        "wrong": "编号或密码错误，请重新输入联络员编号，输入完毕请按井号键",
        "too_many": "编号或密码错误次数过多，再见",
        "no_messages": "您没有未处理的留言",
        "menu": "重听请按1，标记为已处理请按2，下一条请按3，回拨来电者请按4，退出请按0",
        "handled": "该留言已标记为已处理",
        "not_yours": "该留言已不在您的信箱中",
        "last": "没有更多留言了",
        "empty_recording": "这条留言没有录音内容",
        "no_number": "这条留言没有来电号码，无法回拨",
        "callback_failed": "对不起，回拨未能接通",
        "callback_over": "回拨通话已结束",
        "invalid_key": "您的输入有误，请重新输入",
        "goodbye": "感谢使用留言信箱，再见",
    }
)


class MailboxPrompts:
    """What the voicemail line says: fixed phrases by name, dynamic ones from methods."""

    def fixed(self) -> Mapping[str, str]:
        """Every fixed phrase by name, for pre-rendering at start-up."""
        return _FIXED

    def text(self, name: str) -> str:
        """The fixed phrase called `name`; KeyError names the phrases that exist."""
        if name not in _FIXED:
            raise KeyError(f"no prompt {name!r}; known: {', '.join(sorted(_FIXED))}")
        return _FIXED[name]

    def count(self, messages: int) -> str:
        """How many unhandled messages wait (a quantity, never read digit by digit)."""
        return f"您有{cardinal(min(messages, 9999))}条未处理留言"

    def header(self, position: int, recorded_at: datetime, caller_number: str) -> str:
        """Read before a message: its place, when it was left (China time) and who called."""
        # A naive time is China time (what SQLite gives back for the desk's columns).
        at = (
            recorded_at.replace(tzinfo=CHINA_TZ)
            if recorded_at.tzinfo is None
            else recorded_at.astimezone(CHINA_TZ)
        )
        caller = f"来电号码{caller_number}" if caller_number else "来电号码未知"
        return (
            f"第{cardinal(min(position, 9999))}条留言，{at.month}月{at.day}日"
            f"{at.hour}点{at.minute:02d}分，{caller}"
        )

    def calling_back(self, number: str) -> str:
        return f"正在为您回拨{number}，请稍候"

    def locked(self, minutes: int) -> str:
        """The liaison id is locked after repeated wrong PINs."""
        return (
            f"密码错误次数过多，该编号已被暂时锁定，请{cardinal(max(1, minutes))}分钟后再试，再见"
        )
