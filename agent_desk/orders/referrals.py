"""Where callers are sent when the hotline does not accept a matter (不予受理), from the seeds."""

from __future__ import annotations

REFERRALS: dict[str, str] = {
    "police-110": "紧急警情请拨打110",
    "fire-119": "火警请拨打119",
    "ambulance-120": "急救请拨打120",
    "civil-dispute": "民事纠纷请向人民调解组织或人民法院寻求解决",
    "legal-procedure": "已进入诉讼、仲裁、行政复议或信访程序的事项，请向受理机关咨询",
    "party-congress-courts": "党委、人大、政协、法院、检察院及军队事务请向相关机关反映",
    "secrets-privacy": "涉及国家秘密、商业秘密和个人隐私的事项不予受理",
    "outside-jurisdiction": "非本市管辖事项，请向属地政府服务热线反映",
}


def referral_text(key: str) -> str | None:
    return REFERRALS.get(key)
