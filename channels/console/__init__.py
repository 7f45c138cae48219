"""The staff console (/console): case list, case threads, replies, notes; login with staff accounts.

`mount(app, cases)` adds its routes when LABOURBOT_CONSOLE_SECRET is set (docs/handoff.md); the case
runtime it works on (store, outbox worker) is started by the gateway's lifespan (channels/app.py).
"""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cases.config import CaseSettings
from channels.console.auth import Signer
from channels.console.routes import ARGON2_SLOTS, HERE, router

logger = logging.getLogger(__name__)


def mount(app: FastAPI, cases: CaseSettings) -> bool:
    """Mount the console when its secret is set; say once why not otherwise. Returns whether it is on."""
    problem = cases.console_problem
    if problem:
        logger.warning("staff console off: %s (see docs/handoff.md)", problem)
        return False
    app.state.console_signer = Signer(cases.console_secret.get_secret_value(), cases.console_session_ttl_s,
                                      cases.console_cookie_secure)
    app.state.console_argon2 = threading.BoundedSemaphore(ARGON2_SLOTS)
    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    logger.info("staff console on: /console")
    return True
