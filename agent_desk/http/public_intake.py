"""The citizen's pages: the report form `/report` and `/follow` (no sign-in, Chinese).

`/report` files a web order after the rate limit and the proof of work; `/follow` shows
an order's state, due date, handling unit and reply to whoever gives its number and the
phone or e-mail it was filed with — never who handled it, internal notes or reasons.
The phone is posted, not put in the URL, so it stays out of logs and browser history.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy

from agent_desk.citizen.contacts import digits, email_address
from agent_desk.desk import DESK
from agent_desk.http.common import client_ip
from agent_desk.http.pages import JINJA, SECURITY_HEADERS
from agent_desk.intake import CitizenReport, PublicIntake
from agent_desk.orders import Channel, OrderType
from agent_desk.orders.models import (
    PENDING_STATUSES,
    STATUS_LABELS,
    TYPE_LABELS,
    OrderEvent,
    OrderStatus,
    WorkOrder,
)
from agent_desk.timeutil import china
from base.errors import ServiceUnavailable

FIELDS = ("order_type", "subject", "description", "name", "phone", "email")
LIMITS = {"subject": 200, "description": 4000, "name": 100, "phone": 32, "email": 254}


def _public(request: web.Request) -> PublicIntake:
    public = request.app[DESK].intake
    if public is None:
        raise ServiceUnavailable("the public intake is not configured")
    return public


def _page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, app_key=JINJA)
    response.set_status(status)
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _form_page(
    request: web.Request, public: PublicIntake, *, status: int = 200,
    values: dict[str, str] | None = None, error: str = "",
) -> web.Response:  # fmt: skip
    challenge = await public.proof_of_work.challenge()
    bits = public.proof_of_work.bits
    return _page(request, "public/report.html", status, values=values or {}, error=error,
                 types=TYPE_LABELS, challenge=challenge, bits=bits)  # fmt: skip


async def report_form(request: web.Request) -> web.Response:
    return await _form_page(request, _public(request))


def _values(form: MultiDictProxy[str | bytes | Any]) -> dict[str, str]:
    values = {}
    for name in FIELDS:
        raw = form.get(name, "")
        text = raw if isinstance(raw, str) else ""
        values[name] = text.replace("\x00", "").strip()[: LIMITS.get(name, 16)]
    return values


def _invalid(values: dict[str, str]) -> str:
    if not values["subject"]:
        return "请填写诉求标题。"
    if not 7 <= len(digits(values["phone"])) <= 20:
        return "请填写正确的联系电话（用于查询进度和接收短信）。"
    if values["email"] and email_address(values["email"]) is None:
        return "电子邮箱格式不正确。"
    if values["order_type"] not in {t.value for t in OrderType}:
        return "请选择诉求类型。"
    return ""


async def submit_report(request: web.Request) -> web.Response:
    public = _public(request)
    form = await request.post()
    values = _values(form)
    if not await public.report_limit.allow(client_ip(request)):
        return await _form_page(request, public, status=429, values=values,
                          error="提交过于频繁，请稍后再试，或拨打12345热线。")  # fmt: skip
    challenge, nonce = form.get("challenge", ""), form.get("nonce", "")
    refused = await public.proof_of_work.check(
        challenge if isinstance(challenge, str) else "", nonce if isinstance(nonce, str) else ""
    )
    if refused is not None:
        error = "安全验证未完成，请再次点击提交（需要启用浏览器脚本）。"
        return await _form_page(request, public, status=400, values=values, error=error)
    problem = _invalid(values)
    if problem:
        return await _form_page(request, public, status=400, values=values, error=problem)
    filed = await public.intake.file(
        CitizenReport(channel=Channel.WEB, subject=values["subject"],
                      description=values["description"], phone=values["phone"],
                      email=email_address(values["email"]) or "", name=values["name"],
                      order_type=OrderType(values["order_type"]))
    )  # fmt: skip
    return _page(request, "public/report_done.html", 201, order=filed.order,
                 duplicates=[d.number for d in filed.duplicates])  # fmt: skip


async def follow_form(request: web.Request) -> web.Response:
    _public(request)
    number = request.query.get("number", "").strip()[:16]
    return _page(request, "public/follow.html", number=number if number.isdigit() else "")


async def follow_lookup(request: web.Request) -> web.Response:
    public = _public(request)
    form = await request.post()
    raw_number, raw_contact = form.get("number", ""), form.get("contact", "")
    number = raw_number.strip()[:16] if isinstance(raw_number, str) else ""
    contact = raw_contact.strip()[:254] if isinstance(raw_contact, str) else ""
    if not await public.follow_limit.allow(client_ip(request)):
        return _page(request, "public/follow.html", 429, number=number,
                     error="查询过于频繁，请稍后再试。")  # fmt: skip
    order = await public.intake.follow(number, contact) if number.isdigit() and contact else None
    if order is None:
        return _page(request, "public/follow.html", 404, number=number,
                     error="没有找到与该工单号和联系方式相符的工单。")  # fmt: skip
    return _page(request, "public/follow.html", number=number,
                 found=await _public_view(request, order))  # fmt: skip


async def _public_view(request: web.Request, order: WorkOrder) -> dict[str, Any]:
    """What a citizen may see of their order."""
    desk = request.app[DESK]
    view = await desk.orders.get(order.id, visibility=None)
    status = OrderStatus(order.status)
    record = desk.directory.get(order.department_code or "")
    merged_into = None
    if order.merged_into_id is not None:
        merged_into = (await desk.orders.get(order.merged_into_id, visibility=None)).order.number
    replied = status not in PENDING_STATUSES and bool(order.reply)
    return {
        "number": order.number, "subject": order.subject,
        "type": TYPE_LABELS[OrderType(order.order_type)], "status": STATUS_LABELS[status],
        "accepted": china(order.accepted_at).strftime("%Y-%m-%d %H:%M"),
        "due": order.due_date.isoformat(), "unit": record.name if record else "",
        "reply": order.reply if replied else "",
        "replied": china(order.replied_at).strftime("%Y-%m-%d %H:%M")
        if replied and order.replied_at else "",
        "merged_into": merged_into, "timeline": _timeline(view.events),
    }  # fmt: skip


def _timeline(events: list[OrderEvent]) -> list[tuple[str, str]]:
    """Each change of state with its time: no names, reasons or notes."""
    steps = []
    for event in events:
        if event.from_status == event.to_status:
            continue
        steps.append((china(event.at).strftime("%Y-%m-%d %H:%M"),
                      STATUS_LABELS[OrderStatus(event.to_status)]))  # fmt: skip
    return steps


def routes() -> list[web.RouteDef]:
    return [
        web.get("/report", report_form),
        web.post("/report", submit_report),
        web.get("/follow", follow_form),
        web.post("/follow", follow_lookup),
    ]
