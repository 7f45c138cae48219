"""The Telegram channel: POST /webhooks/telegram (webhook mode) and `run_polling` (local trial).

Webhook mode: the X-Telegram-Bot-Api-Secret-Token header must equal TELEGRAM_WEBHOOK_SECRET (the
secret given to setWebhook), otherwise 401 and nothing is processed. A good update is stored in the
webhook inbox (channels/inbox.py; a redelivered update_id is dropped there), then put on the
Application's queue, and only then is the webhook answered 200; if it cannot be stored the answer is
503 and Telegram delivers it again. PerChatUpdateProcessor keeps each chat in order and reports when an
update's handlers finished.

The channel is the handlers' `ReplyLedger`: once the conversation service answered, the rendered answer
is stored on the update's inbox row before it is sent, and each message that went out is counted. When
the handlers finish, the row is done (everything went out), retried later (Telegram failed for a while:
network, 5xx, time-outs, flood control however long), refused (Telegram refused for good: the user
blocked the bot, chat not found) or failed (a handler raised).

Rows taken again (a retry, or what a dead gateway had taken) are replayed onto the same queue, oldest
first: with a stored answer as a `StoredAnswer` (the rest of it is sent, Rasa is not asked again),
otherwise as the update. Either way a replay waits its turn in its chat: it never interleaves with, nor
goes ahead of, that chat's answers already queued or in progress. A newer update of a chat whose older
answer waits for its retry is not held back, though: it is answered at once and the older answer
follows when its retry comes (holding the chat would leave the user without any answer for minutes,
and the inbox orders retries by row, not by chat).
The Application talks to TELEGRAM_API_BASE (the real Bot API, or the fake one in the tests).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from cases.outbox import DeliveryError
from channels import inbox
from channels.settings import ChannelSettings
from channels.telegram.bot import bot_urls, make_bot
from channels.telegram.handlers import DEPS_KEY, StoredAnswer, make_deps, register
from channels.telegram.processor import PerChatUpdateProcessor, chat_key
from channels.telegram.render import StoredReply

if TYPE_CHECKING:
    from channels.parts import GatewayParts

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "x-telegram-bot-api-secret-token"
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_BODY_BYTES = 1_000_000


def build_application(
    settings: ChannelSettings, *, webhook: bool, post_init: Any = None, post_shutdown: Any = None
) -> Application:
    """The PTB Application for our handlers; no Updater in webhook mode (the gateway feeds the queue)."""
    base_url, base_file_url = bot_urls(settings)
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base_url)
        .base_file_url(base_file_url)
        .concurrent_updates(PerChatUpdateProcessor(256))
        .connect_timeout(5.0)
        .read_timeout(15.0)
        .write_timeout(15.0)
        .pool_timeout(5.0)
    )
    if webhook:
        builder = builder.updater(None)
    if post_init is not None:
        builder = builder.post_init(post_init)
    if post_shutdown is not None:
        builder = builder.post_shutdown(post_shutdown)
    application = builder.build()
    register(application)
    return application


class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings
        self.application = build_application(settings, webhook=True)
        self.application.add_error_handler(self._on_error)
        processor = self.application.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        processor.on_finished = self._finished
        self.inbox: inbox.ChannelInbox | None = None
        self._rows: dict[int, int] = {}  # update_id -> inbox row id, while the update is queued or handled
        self._errors: dict[int, BaseException] = {}  # update_id -> what a handler raised
        self.ready = asyncio.Event()
        self._starter: asyncio.Task[None] | None = None
        self._secret = settings.telegram_webhook_secret.get_secret_value().encode()
        self.router = APIRouter()
        self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    async def start(self, parts: "GatewayParts") -> None:
        deps = make_deps(parts.conversations)
        deps.payloads.table = parts.payload_table()  # buttons keep working across restarts and processes
        deps.ledger = self
        self.application.bot_data[DEPS_KEY] = deps
        self.inbox = parts.inbox("telegram", self.replay)
        self._starter = asyncio.create_task(self._start_when_reachable())

    async def _start_when_reachable(self) -> None:
        """initialize() asks Telegram who we are (getMe); keep trying while Telegram cannot be reached."""
        delay = 1.0
        while True:
            try:
                await self.application.initialize()
                await self.application.start()
                self.ready.set()
                logger.info("telegram: ready as @%s", self.application.bot.username)
                if self.inbox is not None:
                    self.inbox.start()  # replays what a dead gateway left, then renews our leases
                return
            except InvalidToken:
                logger.error("Telegram channel off: Telegram refused TELEGRAM_BOT_TOKEN")
                return
            except (NetworkError, TelegramError) as exc:
                logger.warning(
                    "telegram: cannot reach the Bot API (%s); retrying in %.0f s", type(exc).__name__, delay
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)

    async def stop(self) -> None:
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            await asyncio.gather(self._starter, return_exceptions=True)
        if self.ready.is_set():
            if self.inbox is not None:
                await self.inbox.stop(drain=self.application.stop)  # processes what is queued, then stops
            else:
                await self.application.stop()
            await self.application.shutdown()
        deps = self.application.bot_data.get(DEPS_KEY)
        if deps is not None:
            await deps.payloads.flush()

    async def webhook(self, request: Request) -> JSONResponse:
        """Check the secret token, store and queue the update, answer 200 once it is stored (else 503)."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not given or not hmac.compare_digest(given, self._secret):
            logger.warning("telegram: webhook without the right secret token refused")
            return JSONResponse({"detail": "invalid secret token"}, status_code=401)
        if not self.ready.is_set():
            return JSONResponse({"detail": "starting"}, status_code=503)  # Telegram retries later
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"detail": "body too large"}, status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return JSONResponse({"detail": "malformed update"}, status_code=400)
        if update is None:
            return JSONResponse({"detail": "malformed update"}, status_code=400)
        if self.inbox is None:
            return JSONResponse({"detail": "starting"}, status_code=503)
        new = inbox.NewEvent(str(update.update_id), chat_key(update), json.dumps(data, ensure_ascii=False))
        try:
            rows = await self.inbox.accept([new])
        except Exception as exc:  # never 200 for an update that is not stored: Telegram retries a 503
            logger.error("telegram: update not stored (%s); answered 503 for a redelivery",
                         type(exc).__name__)
            return JSONResponse({"detail": "storage unavailable, deliver again"}, status_code=503)
        if not rows:
            logger.info("telegram: redelivered update dropped")
            return JSONResponse({})
        self._rows[update.update_id] = rows[0].id
        await self.application.update_queue.put(update)
        return JSONResponse({})

    async def replay(self, rows: list[inbox.InboxRow]) -> None:
        """Queue rows taken again (a retry, or a dead gateway's), oldest first: a stored answer as a
        StoredAnswer, otherwise the update (the processor keeps each chat in that order)."""
        assert self.inbox is not None
        for row in rows:
            item = self._replayable(row)
            if item is None:
                await self.inbox.failed(row.id, "unreadable stored update or answer")
                continue
            self._rows[item.update_id] = row.id
            await self.application.update_queue.put(item)

    def _replayable(self, row: inbox.InboxRow) -> Update | StoredAnswer | None:
        try:
            if row.reply:
                reply = StoredReply.from_json(row.reply)
                return StoredAnswer(int(row.event_key), row.sender, reply, row.delivered)
            return Update.de_json(json.loads(row.body), self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            logger.error("telegram: stored row #%s unreadable (%s)", row.id, type(exc).__name__)
            return None

    # ---- the handlers' ReplyLedger ---------------------------------------------------------------------

    async def save_reply(self, update_id: int, reply: StoredReply) -> None:
        """Keep the rendered answer on the update's row before it is sent. When the database refuses, the
        answer is sent all the same (a retry would then ask the conversation service again)."""
        row_id = self._rows.get(update_id)
        if row_id is None or self.inbox is None:
            return
        try:
            await self.inbox.save_reply(row_id, reply.to_json())
        except Exception as exc:
            logger.warning("telegram: answer of row #%s not stored (%s); sent anyway", row_id,
                           type(exc).__name__)

    async def delivered(self, update_id: int, count: int) -> None:
        row_id = self._rows.get(update_id)
        if row_id is not None and self.inbox is not None:
            await self.inbox.delivered(row_id, count)

    # ---- outcomes --------------------------------------------------------------------------------------

    async def _on_error(self, update: object, context: Any) -> None:
        """Remember what a handler raised (on_error of handlers.py logs it), for `_finished`."""
        if isinstance(update, (Update, StoredAnswer)):
            self._errors[update.update_id] = context.error

    async def _finished(self, update: object, error: BaseException | None) -> None:
        """The update's handlers ran: finish its inbox row according to what they raised."""
        if not isinstance(update, (Update, StoredAnswer)) or self.inbox is None:
            return
        row_id = self._rows.pop(update.update_id, None)
        failure = self._errors.pop(update.update_id, None) or error
        if row_id is None:
            return
        if failure is None:
            await self.inbox.done(row_id)
        elif isinstance(failure, DeliveryError) and failure.retriable:
            await self.inbox.retry_later(row_id, failure.reason,
                                         not_before_s=getattr(failure, "retry_after_s", None))
        elif isinstance(failure, DeliveryError):
            await self.inbox.refused(row_id, failure.reason)
        else:
            await self.inbox.failed(row_id, type(failure).__name__)


def setup(app: FastAPI, settings: ChannelSettings) -> TelegramChannel | None:
    """Mount POST /webhooks/telegram when the token and the webhook secret are set; else say why not."""
    problem = settings.telegram_webhook_problem
    if problem:
        logger.warning("Telegram channel off: %s (see docs/channels.md)", problem)
        return None
    channel = TelegramChannel(settings)
    app.include_router(channel.router)
    logger.info("Telegram channel on: POST %s", WEBHOOK_PATH)
    return channel


# ---- operations for the CLI (labourbot telegram ...) ---------------------------------------------------


async def set_webhook(settings: ChannelSettings, public_url: str) -> str:
    """Tell Telegram to deliver updates to <public_url>/webhooks/telegram with our secret token."""
    problem = settings.telegram_webhook_problem
    if problem:
        raise ValueError(problem)
    url = public_url.rstrip("/") + WEBHOOK_PATH
    async with make_bot(settings) as bot:
        await bot.set_webhook(
            url=url,
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
    return url


async def delete_webhook(settings: ChannelSettings) -> None:
    async with make_bot(settings) as bot:
        await bot.delete_webhook()


async def webhook_info(settings: ChannelSettings) -> dict[str, Any]:
    async with make_bot(settings) as bot:
        info = await bot.get_webhook_info()
        return {
            "bot": f"@{bot.username}",
            "url": info.url,
            "pending_update_count": info.pending_update_count,
            "last_error_message": info.last_error_message,
        }


def run_polling(
    settings: ChannelSettings, rasa_base: str, rasa_timeout_s: float = 30.0, max_chars: int = 2000,
    rasa_token: str = "",
) -> None:
    """Long-poll Telegram (no public URL needed) and answer through Rasa at `rasa_base`. Blocks until
    Ctrl-C. Telegram allows polling only while no webhook is set: this removes the webhook."""
    from channels.conversation import ConversationService
    from channels.rasa_client import RasaClient

    if settings.telegram_token_missing:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    rasa: dict[str, RasaClient] = {}

    async def post_init(app: Application) -> None:
        rasa["client"] = RasaClient(rasa_base, timeout_s=rasa_timeout_s, token=rasa_token)
        app.bot_data[DEPS_KEY] = make_deps(ConversationService(rasa["client"], max_chars=max_chars))

    async def post_shutdown(app: Application) -> None:
        if "client" in rasa:
            await rasa["client"].close()

    application = build_application(settings, webhook=False, post_init=post_init, post_shutdown=post_shutdown)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
