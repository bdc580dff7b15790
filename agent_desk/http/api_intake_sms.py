"""POST /api/intake/sms: the SMS gateway's push of inbound messages (see agent_desk.intake.sms).

Public (the gateway has no desk session and no CSRF token): the HMAC signature over the
raw body is its credential. Each message becomes an order with channel `sms`.
"""

from __future__ import annotations

from aiohttp import web

from agent_desk.desk import DESK
from agent_desk.errors import SmsSignatureInvalid
from agent_desk.intake import CitizenReport, parse_push
from agent_desk.intake.sms import signed
from agent_desk.orders import Channel
from base.errors import ServiceUnavailable

SIGNATURE_HEADER = "X-Hotline-Signature"


async def inbound_sms(request: web.Request) -> web.Response:
    public = request.app[DESK].intake
    if public is None:
        raise ServiceUnavailable("the public intake is not configured")
    body = await request.read()
    if not signed(public.sms_secret, body, request.headers.get(SIGNATURE_HEADER, "")):
        raise SmsSignatureInvalid(f"missing or wrong {SIGNATURE_HEADER}")
    numbers = []
    for sms in parse_push(body):
        first_line = sms.content.splitlines()[0]
        filed = await public.intake.file(
            CitizenReport(channel=Channel.SMS, subject=f"短信：{first_line[:40]}",
                          description=sms.content, phone=sms.phone,
                          ref=f"sms-{sms.sequence_id}" if sms.sequence_id else "")
        )  # fmt: skip
        numbers.append(filed.order.number)
    return web.json_response({"code": 0, "msg": "成功", "orders": numbers})


def routes() -> list[web.RouteDef]:
    return [web.post("/api/intake/sms", inbound_sms)]
