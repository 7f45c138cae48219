"""The staff console (/console): case list, case threads, replies, notes, accounts; login with staff accounts.

`mount(app, cases)` adds its routes when it has a secret: LABOURBOT_CONSOLE_SECRET, else the one
`labourbot serve` generated into the data folder on first run (then cookies are plain http and the console
answers loopback clients only, channels/console/access.py). docs/handoff.md. The case runtime it works on
(store, outbox worker) is started by the gateway's lifespan (channels/app.py).

A new console page is a router module of its own, mounted with one `app.include_router(...)` line below.
"""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cases.config import CaseSettings
from channels.console.access import LoopbackOnly
from channels.console.accounts import router as accounts_router
from channels.console.analytics import router as analytics_router
from channels.console.auth import Signer
from channels.console.booking import router as booking_router
from channels.console.mediation import router as mediation_router
from channels.console.curation import curation_router
from channels.console.routes import ARGON2_SLOTS, HERE, router

logger = logging.getLogger(__name__)


def mount(app: FastAPI, cases: CaseSettings) -> bool:
    """Mount the console when it has a secret; say once why not otherwise. Returns whether it is on."""
    key = cases.console_key()
    if key is None:
        logger.warning("staff console off: %s (see docs/handoff.md)", cases.console_problem)
        return False
    app.state.console_signer = Signer(key.secret, cases.console_session_ttl_s, key.secure_cookies)
    app.state.console_argon2 = threading.BoundedSemaphore(ARGON2_SLOTS)
    app.state.console_loopback_only = key.loopback_only
    if key.loopback_only:
        app.add_middleware(LoopbackOnly)
    app.include_router(router)
    app.include_router(accounts_router)
    app.include_router(booking_router)
    app.include_router(analytics_router)
    app.include_router(mediation_router)
    app.include_router(curation_router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    logger.info("staff console on: /console%s", " (plain http, loopback clients only)" if key.loopback_only else "")
    return True
