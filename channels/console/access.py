"""Who may open which console page, and from where.

Roles: staff answer cases and curate questions, supervisors also see the service figures,
administrators also manage accounts and approve knowledge-base entries. Templates get `has_role(viewer,
"supervisor")` and `role_labels` (registered on the console's Jinja environment below).

Where from: when the console's cookies are not Secure (the first-run secret `labourbot serve` generated,
or LABOURBOT_CONSOLE_COOKIE_SECURE=false) its pages travel as plain http, so `LoopbackOnly` answers
only requests made on this machine: the TCP peer, the address the console believes (channels/limits.py
`request_client`, which reads X-Forwarded-For from LABOURBOT_TRUSTED_PROXIES) and every address in
X-Forwarded-For / X-Real-IP must be loopback, and a `Forwarded` header is refused outright. A trusted
proxy therefore never opens a plain-http console to the network: a request it forwards for a remote
client carries that client's address and is refused (403, zh-TW, pointing at TLS and a real secret).
"""

from __future__ import annotations

import logging
from ipaddress import ip_address
from typing import Any, Optional, Union

from fastapi import Request
from fastapi.responses import Response

from channels.console.routes import Viewer, _env, _forbidden, _to_login, _viewer, render
from channels.limits import request_client

logger = logging.getLogger(__name__)

RANK = {"staff": 1, "supervisor": 2, "admin": 3}
ROLE_LABELS = {"staff": "承辦同仁", "supervisor": "督導", "admin": "管理者"}
CONSOLE_PREFIX = "/console"
LOOPBACK_TITLE = "只限本機使用"
LOOPBACK_MESSAGE = (
    "案件後台目前以未加密的 http 執行（首次啟動的自動金鑰，或 LABOURBOT_CONSOLE_COOKIE_SECURE=false），"
    "為了保護帳號與民眾資料，只接受在這台電腦上以 http://127.0.0.1 開啟。要讓其他電腦使用，請設定"
    "至少 32 個字元的 LABOURBOT_CONSOLE_SECRET，並透過 TLS（https，例如反向代理）提供服務；"
    "做法見 docs/handoff.md 與 docs/deployment.md。"
)


def has_role(viewer: Optional[Viewer], minimum: str) -> bool:
    return viewer is not None and RANK.get(viewer.user.role, 0) >= RANK[minimum]


def authorize(request: Request, minimum: str = "staff") -> Union[Viewer, Response]:
    """The signed-in viewer when their role reaches `minimum`; else the response to send instead
    (the login page for nobody, 403 for a role too low)."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    if not has_role(viewer, minimum):
        return _forbidden(request, viewer, f"這個頁面需要「{ROLE_LABELS[minimum]}」以上的權限。")
    return viewer


_env.globals["has_role"] = has_role
_env.globals["role_labels"] = ROLE_LABELS


# ---- plain http: loopback only ---------------------------------------------------------------------------


def _is_loopback(address: str) -> bool:
    try:
        return ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_request(request: Request) -> bool:
    """Whether the request was made on this machine, by every address it names (see the module doc)."""
    if request.headers.get("forwarded"):
        return False
    addresses = [request.client.host if request.client else "", request_client(request)]
    for header in ("x-forwarded-for", "x-real-ip"):
        for value in request.headers.getlist(header):
            addresses += [part for part in value.split(",") if part.strip()]
    return all(_is_loopback(address) for address in addresses)


class LoopbackOnly:
    """ASGI middleware: refuse /console requests that are not from loopback (plain-http console)."""

    def __init__(self, app: Any, prefix: str = CONSOLE_PREFIX) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == self.prefix or path.startswith(self.prefix + "/")):
            request = Request(scope, receive)
            if not loopback_request(request):
                logger.warning("console: refused a plain-http request from %s (loopback only)",
                               request_client(request))
                response = render(request, "error.html", 403, viewer=None, title=LOOPBACK_TITLE,
                                  message=LOOPBACK_MESSAGE, no_back=True)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
