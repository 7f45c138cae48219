"""The staff console (/console) and the gateway side of handoff cases.

`setup(app, settings, channel_settings)` mounts the console (when LABOURBOT_CONSOLE_SECRET is set),
the pending-message routes of the pull channels, and returns the case runtime that the gateway's
lifespan starts and stops (case store, outbox worker, the CaseRouter of ConversationService).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cases.config import CaseSettings
from channels.handoff import CaseRuntime
from channels import pending
from channels.console.auth import Signer
from channels.console.routes import HERE, router
from channels.settings import ChannelSettings
from labourbot.config import Settings

logger = logging.getLogger(__name__)


def setup(app: FastAPI, settings: Settings, channel_settings: ChannelSettings) -> CaseRuntime:
    """Mount the console and the pending-message routes; the returned runtime has start(app)/stop()."""
    cases = CaseSettings(data_dir=settings.data_dir)
    app.include_router(pending.router)
    problem = cases.console_problem
    if problem:
        logger.warning("staff console off: %s (see docs/handoff.md)", problem)
    else:
        app.state.console_signer = Signer(cases.console_secret.get_secret_value(), cases.console_session_ttl_s,
                                          cases.console_cookie_secure)
        app.include_router(router)
        app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
        logger.info("staff console on: /console")
    return CaseRuntime(cases, channel_settings, settings.rasa_base)
