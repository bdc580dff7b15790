"""A small router for the /ari tree, so 404/405 and parameters behave like Asterisk's.

Asterisk resolves the path first (404 "Resource not found"), then the method (405
"Invalid method" with an Allow header). Parameters come from the query string or a JSON
body; repeated or comma-separated values make lists.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from multidict import MultiDict

from ivr.simulator.errors import AriError

if TYPE_CHECKING:
    from ivr.simulator.simulator import Simulator

TRUE = {"true", "yes", "1", "on"}
FALSE = {"false", "no", "0", "off"}


@dataclass
class AriRequest:
    sim: Simulator
    http: web.Request
    match: dict[str, str]
    query: MultiDict[str]
    body: dict[str, Any]

    def text(self, name: str, default: str | None = None) -> str | None:
        if name in self.body and self.body[name] is not None:
            return str(self.body[name])
        return self.query.get(name, default)

    def required(self, name: str, message: str | None = None) -> str:
        value = self.text(name)
        if value is None or value == "":
            raise AriError(400, message or f"Missing parameter {name}")
        return value

    def number(self, name: str, default: float) -> float:
        value = self.text(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except ValueError:
            raise AriError(400, f"Invalid parameter {name}") from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.text(name)
        if value is None:
            return default
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise AriError(400, f"Invalid parameter {name}")

    def many(self, name: str) -> list[str]:
        raw = self.body.get(name)
        values = (
            (raw if isinstance(raw, list) else [raw])
            if raw is not None
            else self.query.getall(name, [])
        )
        out: list[str] = []
        for value in values:
            out.extend(v for v in str(value).split(",") if v)
        return out


Handler = Callable[[AriRequest], Awaitable[web.StreamResponse]]


class AriRouter:
    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], dict[str, Handler]]] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.compile(
            "^"
            + re.sub(
                r"\{(\w+)(?::([^}]+))?\}", lambda m: f"(?P<{m[1]}>{m[2] or '[^/]+'})", template
            )
            + "$"
        )
        for existing, methods in self._routes:
            if existing.pattern == pattern.pattern:
                methods[method] = handler
                return
        self._routes.append((pattern, {method: handler}))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        for pattern, methods in self._routes:
            found = pattern.match(path)
            if found is None:
                continue
            handler = methods.get(method)
            if handler is None:
                allow = ",".join(["OPTIONS", *sorted(methods)])
                raise MethodNotAllowed(allow)
            return handler, found.groupdict()
        raise AriError(404, "Resource not found")


class MethodNotAllowed(AriError):
    def __init__(self, allow: str) -> None:
        super().__init__(405, "Invalid method")
        self.allow = allow


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers)


def no_content() -> web.Response:
    return web.Response(status=204)
