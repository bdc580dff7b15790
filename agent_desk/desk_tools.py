"""The desk's management services (directory edits, accounts, call history), built together.

They sit beside `Desk` under their own application key so the composition root keeps
calling `build_desk` and `install_desk` as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from agent_desk.auth import Passwords
from agent_desk.calls import CallHistory
from agent_desk.departments import DepartmentEditor
from agent_desk.desk import Desk
from agent_desk.user_admin import UserAdmin
from directory import DirectoryRepository


@dataclass(frozen=True, slots=True)
class DeskTools:
    departments: DepartmentEditor
    users: UserAdmin
    calls: CallHistory


def build_tools(desk: Desk, *, passwords: Passwords) -> DeskTools:
    return DeskTools(
        departments=DepartmentEditor(
            sessions=desk.sessions,
            clock=desk.clock,
            repository=DirectoryRepository(desk.sessions),
            directory=desk.directory,
        ),
        users=UserAdmin(
            sessions=desk.sessions,
            clock=desk.clock,
            passwords=passwords,
            on_sessions_ended=desk.notifier.sessions_ended,
        ),
        calls=CallHistory(desk.sessions),
    )


DESK_TOOLS = web.AppKey("agent_desk_tools", DeskTools)
