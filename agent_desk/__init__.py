"""The agent desk: the web application where operators, liaisons and supervisors work.

Work orders (工单) and their life cycle, the operator console, the liaison inbox,
supervision of late orders, users and roles, live updates. The composition root uses
`build_desk` + `install_desk` (or `build_desk_app` standalone), `VoicemailOrders` for the
call flow and `OrderProgressReader` as the IVR's `OrderProgressSource`.
"""

from agent_desk.app import build_desk, build_desk_app, install_desk
from agent_desk.desk import DESK, Desk
from agent_desk.progress import OrderProgressReader
from agent_desk.voicemail_orders import VoicemailOrders

__all__ = [
    "DESK",
    "Desk",
    "OrderProgressReader",
    "VoicemailOrders",
    "build_desk",
    "build_desk_app",
    "install_desk",
]
