"""Who may open which console page: staff answer cases and curate questions, supervisors also see the
service figures, administrators also manage accounts and approve knowledge-base entries."""

from __future__ import annotations

from typing import Union

from fastapi import Request
from fastapi.responses import Response

from channels.console.routes import Viewer, _forbidden, _to_login, _viewer

RANK = {"staff": 1, "supervisor": 2, "admin": 3}
ROLE_LABELS = {"staff": "承辦同仁", "supervisor": "督導", "admin": "管理者"}


def has_role(viewer: Viewer, minimum: str) -> bool:
    return RANK.get(viewer.user.role, 0) >= RANK[minimum]


def authorize(request: Request, minimum: str = "staff") -> Union[Viewer, Response]:
    """The signed-in viewer when their role reaches `minimum`; else the response to send instead
    (the login page for nobody, 403 for a role too low)."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    if not has_role(viewer, minimum):
        return _forbidden(request, viewer, f"這個頁面需要「{ROLE_LABELS[minimum]}」以上的權限。")
    return viewer
