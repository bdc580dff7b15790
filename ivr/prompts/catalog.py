"""The Chinese phrases the IVR says, per hotline (114 switchboard, 96128 information, 12345 intake).

Fixed phrases are keyed by name so they can be pre-rendered at start-up; phrases with
department names, numbers or order states are built by methods. Numbers stay as Arabic
digits here: `to_pinyin_speech` reads them the hotline way when the prompt is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType

from ivr.prompts.pinyin import cardinal


class Hotline(StrEnum):
    """The three service numbers, each with its own greeting and flow profile."""

    SWITCHBOARD_114 = "114"  # 114 阳光政务 switchboard
    INFORMATION_96128 = "96128"  # 96128 政务信息 line
    CITIZEN_12345 = "12345"  # 12345 政务服务便民热线 intake


# GB/T 33358 wants 12345 answered within 15 s and no menu tree: one short sentence.
_GREETINGS: Mapping[Hotline, str] = MappingProxyType(
    {
        Hotline.SWITCHBOARD_114: (
            "您好，这里是114阳光政务总机，请说出部门名称，"
            "或按键输入部门名称拼音首字母后按井号键，人工服务请按0"
        ),
        Hotline.INFORMATION_96128: (
            "您好，这里是96128政务信息服务热线，请说出要查询的部门名称，"
            "或按键输入部门名称拼音首字母后按井号键，人工服务请按0"
        ),
        Hotline.CITIZEN_12345: (
            "您好，12345政务服务便民热线，请说出或按键输入部门名称拼音首字母，人工服务请按0"
        ),
    }
)

_COMMON: Mapping[str, str] = MappingProxyType(
    {
        "key_initials": "请按键输入部门名称的拼音首字母，输入完毕请按井号键",
        "no_match": "对不起，没有找到您要查询的部门，请重新说出或输入",
        "no_match_to_operator": "对不起，仍未找到您要查询的部门，正在为您转接人工服务，请稍候",
        "invalid_key": "您的输入有误，请重新输入",
        "number_options": "重听请按1，为您转接请按2，查询其他部门请按星号键",
        "line_busy": "您拨打的电话正忙，请在提示音后留言，留言完毕请挂机或按井号键",
        "no_answer": "您拨打的电话暂时无人接听，请在提示音后留言，留言完毕请挂机或按井号键",
        "closed": "现在是非工作时间，请在提示音后留言，工作人员上班后将尽快答复您",
        "leave_message": "请在提示音后留言，留言完毕请挂机或按井号键",
        "voicemail_saved": "您的留言已保存，感谢您的来电",
        "voicemail_unavailable": "非常抱歉，留言暂时无法保存，请您稍后再拨，感谢您的来电",
        "emergency": ("如遇火警请拨打119，医疗急救请拨打120，治安报警请拨打110，交通事故请拨打122"),
        "order_number": "请输入您的工单号，输入完毕请按井号键",
        "order_not_found": "对不起，没有查到该工单，请核对后重新输入",
        "operator_queue": "正在为您转接人工服务，请稍候",
        "operator_busy": "人工座席全忙，请您耐心等待，或挂机后稍后再拨",
        "survey": (
            "请对本次服务进行评价，非常满意请按5，满意请按4，基本满意请按3，"
            "不满意请按2，非常不满意请按1"
        ),
        "survey_thanks": "感谢您的评价",
        "recording_refused": "抱歉，现在无法留言，正在为您转接人工服务，请稍候",
        "goodbye": "感谢您的来电，再见",
    }
)

_KEYPAD_CHOICES = 9


class PromptCatalog:
    """The phrases of one hotline: fixed ones by name, dynamic ones from methods."""

    def __init__(self, hotline: Hotline) -> None:
        self.hotline = hotline

    def fixed(self) -> Mapping[str, str]:
        """Every fixed phrase of this hotline by name, ready for `render_many` at start-up."""
        return MappingProxyType({"greeting": _GREETINGS[self.hotline], **_COMMON})

    def text(self, name: str) -> str:
        """The fixed phrase called `name`; KeyError names the phrases that exist."""
        phrases = self.fixed()
        if name not in phrases:
            raise KeyError(f"no prompt {name!r}; known: {', '.join(sorted(phrases))}")
        return phrases[name]

    @property
    def greeting(self) -> str:
        """The first thing a caller of this hotline hears."""
        return _GREETINGS[self.hotline]

    def department_number(self, name: str, number: str) -> str:
        """Read out a department's number, digit by digit."""
        return f"{name}的电话号码是{number}，再说一遍，{number}"

    def department_menu(self, *, complaint: bool, supervision: bool, visit: bool) -> str:
        """After the number: what else the caller can hear (便民服务), keys 2 to 4."""
        offers = [
            text
            for text, offered in (
                ("按2听投诉电话", complaint),
                ("按3听监督电话", supervision),
                ("按4听地址和办公时间", visit),
            )
            if offered
        ]
        return "，".join(offers)

    def complaint_number(self, name: str, number: str) -> str:
        return f"{name}的投诉电话是{number}，再说一遍，{number}"

    def supervision_number(self, name: str, number: str) -> str:
        return f"{name}的监督电话是{number}，再说一遍，{number}"

    def address_and_hours(self, name: str, address: str, hours: str) -> str:
        where = f"{name}的地址是{address}，" if address else ""
        return f"{where}办公时间为{hours}"

    def choices(self, names: Sequence[str]) -> str:
        """Ask the caller to pick one of several close candidates by key (1 to 9)."""
        if not 1 <= len(names) <= _KEYPAD_CHOICES:
            raise ValueError(f"choices() takes 1 to {_KEYPAD_CHOICES} names, got {len(names)}")
        options = "，".join(f"{name}请按{index}" for index, name in enumerate(names, start=1))
        return f"请选择：{options}"

    def confirm(self, name: str) -> str:
        """Check a single clear match before going on."""
        return f"您要找的是{name}吗？确认请按1，重新查询请按2"

    def transferring(self, name: str) -> str:
        """Said just before dialling the department's liaison."""
        return f"正在为您转接{name}，请稍候"

    def closed(self, name: str, hours: str) -> str:
        """The department is closed now (its hours or a holiday): offer voicemail."""
        return f"{name}现在是非工作时间，工作时间为{hours}，请在提示音后留言"

    def voicemail_saved(self, reply_days: int) -> str:
        """Confirm a message and promise a reply within the deadline in working days."""
        return f"您的留言已保存，我们将在{reply_days}个工作日内答复您，感谢您的来电"

    def order_number_is(self, order_number: str) -> str:
        """After a voicemail: the number of the work order it was filed on."""
        return f"您的工单号是{order_number}，重听请按1"

    def order_progress(self, order_number: str, status: str, unit: str | None = None) -> str:
        """Tell a caller where their work order (工单) stands."""
        handled_by = f"，承办单位为{unit}" if unit else ""
        return f"您的工单{order_number}当前状态为{status}{handled_by}"

    def queue_position(self, ahead: int) -> str:
        """Operator queue: how many callers wait ahead of this one."""
        if ahead <= 0:
            return "马上为您接通人工服务，请稍候"
        # A count, not a number to dial: spelled as a cardinal here, since the renderer
        # would read three or more bare digits one by one.
        return f"您前面还有{cardinal(min(ahead, 9999))}位来电者在等候，请耐心等待"

    def overflow(self, city: str) -> str:
        """Local seats are full: the call goes to a neighbouring city's operators."""
        return f"本地座席全忙，正在为您转接{city}座席，请稍候"
