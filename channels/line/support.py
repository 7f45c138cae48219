"""Plumbing shared by the chat-platform channels (LINE and Telegram).

* `KeyedSerializer`: one user's events run one at a time, in arrival order; different users in parallel.
* `BackgroundTasks`: answer the webhook at once, work later, and wait for the work on shutdown.
* `RecentIds`: drop redeliveries of an event already taken (bounded memory).
* `PayloadStore`: short ids for button payloads longer than a platform allows (bounded memory).
* Replies for what the bot cannot read (stickers, pictures, voice, places) and the topic shortcuts.

It lives in the LINE package only because the channels are owned per package; nothing in it is LINE-specific.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from channels.replies import BotReply, Button, OutMessage
from labourbot.topics import TOPIC_LABELS

if TYPE_CHECKING:
    from channels.payloads import PayloadTable

logger = logging.getLogger(__name__)

T = TypeVar("T")


class KeyedSerializer:
    """Run jobs one at a time per key, in the order `run` was called; different keys run concurrently.

    `asyncio.Lock` wakes its waiters first-in first-out and `run` does not yield before asking for the
    lock, so the call order is the execution order. A key's entry is dropped as soon as it is idle.
    """

    def __init__(self) -> None:
        self._slots: dict[str, list[Any]] = {}  # key -> [lock, number of jobs holding or waiting]

    def __len__(self) -> int:
        return len(self._slots)

    async def run(self, key: str, job: Callable[[], Awaitable[T]]) -> T:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = [asyncio.Lock(), 0]
        slot[1] += 1
        try:
            async with slot[0]:
                return await job()
        finally:
            slot[1] -= 1
            if slot[1] == 0:
                self._slots.pop(key, None)


class BackgroundTasks:
    """Tasks started after a webhook was answered; kept referenced, logged when they fail, drained on stop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, job: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            logger.error(
                "%s: background job failed: %s",
                self.name,
                type(exc).__name__,
                exc_info=(type(exc), exc, exc.__traceback__),
            )

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for running jobs (answers already promised), then cancel what is left."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("%s: %d unfinished jobs cancelled at shutdown", self.name, len(pending))
            await asyncio.gather(*pending, return_exceptions=True)


class RecentIds:
    """The last `maxlen` ids seen; `first_time(id)` is True once per id (while it is remembered)."""

    def __init__(self, maxlen: int = 20_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._maxlen = maxlen

    def __len__(self) -> int:
        return len(self._ids)

    def first_time(self, event_id: str) -> bool:
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return False
        self._ids[event_id] = None
        while len(self._ids) > self._maxlen:
            self._ids.popitem(last=False)
        return True


class PayloadStore:
    """Button payloads that fit the platform's limit travel as they are; longer ones as a short id.

    A short id is `~p` + 16 hex digits of a hash of the payload (the same payload always gets the same
    id). Ids are kept in memory, the newest `maxlen`, and, once a `table` is attached (the gateway does at
    start), in the database (channels/payloads.py): written in the background, looked up when memory has
    forgotten them (a restart, another gateway process). An id found nowhere unpacks to None and the
    channel asks the user to type the question instead.
    """

    PREFIX = "~p"
    PURGE_EVERY_S = 6 * 3600

    def __init__(self, max_bytes: int, maxlen: int = 50_000, table: "PayloadTable | None" = None) -> None:
        self.max_bytes = max_bytes
        self._map: OrderedDict[str, str] = OrderedDict()
        self._maxlen = maxlen
        self.table = table
        self._unsaved: dict[str, str] = {}
        self._flushing: asyncio.Task[None] | None = None
        self._last_purge = float("-inf")

    def __len__(self) -> int:
        return len(self._map)

    def pack(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= self.max_bytes and not payload.startswith(self.PREFIX):
            return payload
        key = self.PREFIX + hashlib.blake2s(payload.encode("utf-8"), digest_size=8).hexdigest()
        if key not in self._map and self.table is not None:
            self._unsaved[key] = payload
            self._schedule_flush()
        self._remember(key, payload)
        return key

    def _remember(self, key: str, payload: str) -> None:
        self._map[key] = payload
        self._map.move_to_end(key)
        while len(self._map) > self._maxlen:
            self._map.popitem(last=False)

    def unpack(self, data: str) -> str | None:
        """From memory only (see unpack_async for the database)."""
        if not data.startswith(self.PREFIX):
            return data
        return self._map.get(data)

    async def unpack_async(self, data: str) -> str | None:
        """From memory, else from the database (a button from before a restart or from another process)."""
        found = self.unpack(data)
        if found is not None or self.table is None or not data.startswith(self.PREFIX):
            return found
        try:
            found = await asyncio.to_thread(self.table.load, data[:24])
        except Exception as exc:  # the database unavailable: the button is treated as expired
            logger.warning("button payload lookup failed (%s)", type(exc).__name__)
            return None
        if found is not None:
            self._remember(data, found)
        return found

    def _schedule_flush(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # rendering outside the gateway (tests, CLI): memory only
            return
        if self._flushing is None or self._flushing.done():
            self._flushing = loop.create_task(self.flush())

    async def flush(self) -> None:
        """Write the ids not yet in the database (kept for the next try when the database refuses)."""
        if self.table is None:
            return
        while self._unsaved:
            items = dict(self._unsaved)
            try:
                await asyncio.to_thread(self.table.save, items)
            except Exception as exc:
                logger.warning("button payloads not saved yet (%s); retried with the next ones",
                               type(exc).__name__)
                return
            for key in items:
                self._unsaved.pop(key, None)
        now = asyncio.get_running_loop().time()
        if now - self._last_purge > self.PURGE_EVERY_S:
            self._last_purge = now
            try:
                await asyncio.to_thread(self.table.purge)
            except Exception as exc:
                logger.warning("button payload purge failed (%s)", type(exc).__name__)


# ---------------------------------------------------------------------------------------------------
# Text helpers and canned replies (Traditional Chinese, as the users read them).

_CITATION_SUFFIX = re.compile(r"\n\s*依據：[^\n]*\s*$")


def split_citation_suffix(text: str, citations: list[str]) -> str:
    """The answer without its closing 「依據：…」 line when the channel shows the citations itself."""
    if citations and _CITATION_SUFFIX.search(text):
        return _CITATION_SUFFIX.sub("", text).rstrip()
    return text


def card_body(text: str, citations: list[str], title: str | None) -> str:
    """An answer's text for a card that shows its title and citations itself: without the leading
    「關於「title」：」 line (the card's header says it) and without the closing 「依據：…」 line."""
    body = split_citation_suffix(text, citations)
    lead = f"關於「{title}」：\n" if title else ""
    if lead and lead in body[: len(lead) + 80]:
        head, _, rest = body.partition(lead)
        body = (head + rest) if head.strip() else rest
    return body


def is_feedback(button: Button) -> bool:
    return button.payload.startswith("/feedback")


def is_article(button: Button) -> bool:
    return button.payload.startswith("/show_article")


def is_human(button: Button) -> bool:
    return button.payload.startswith("/request_human")


SHORTCUT_TOPICS: tuple[str, ...] = (
    "overtime",
    "annual_leave",
    "termination_severance",
    "occupational_injury",
    "job_scam",
    "part_time_students",
)


def topic_shortcuts() -> list[Button]:
    """Topic buttons offered when the bot has nothing else to suggest, plus 找真人."""
    return [Button(TOPIC_LABELS[t], f'/choose_topic{{"topic": "{t}"}}') for t in SHORTCUT_TOPICS] + [
        Button("找真人", "/request_human")
    ]


def canned(text: str, buttons: list[Button] | None = None, kind: str = "text") -> BotReply:
    """A reply the channel gives by itself, without asking Rasa."""
    return BotReply(messages=[OutMessage(text=text, buttons=list(buttons or []), kind=kind)])


STICKER_REPLY = (
    "收到您的貼圖 😊 有勞動權益的問題，直接打字問我就可以了，例如「加班費怎麼算」，或點選下面的主題："
)
IMAGE_REPLY = (
    "謝謝您傳來的圖片，不過我目前還看不懂圖片 🙏\n"
    "如果是薪資單、徵才廣告或工作合約，請把重點打成文字告訴我，例如「月薪 28000，每天工作 10 小時，沒有加班費」。"
    "需要同仁看資料的話，請點「找真人」。"
)
AUDIO_REPLY = (
    "抱歉，我目前還聽不懂語音訊息 🙏 請用文字輸入您的問題；"
    "想直接和人說話，可以撥打勞動部 1955 勞工諮詢專線（24 小時、免付費，也有外語服務）。"
)
VIDEO_REPLY = "抱歉，我目前還看不懂影片 🙏 請用文字描述您的狀況，我會盡力回答。"
FILE_REPLY = "抱歉，我目前無法開啟檔案 🙏 請把想問的內容用文字打給我；需要同仁看文件的話，請點「找真人」。"
LOCATION_REPLY = "收到您的位置{where}。想找這附近的工作嗎？也可以直接問我勞動權益的問題。"
EXPIRED_BUTTON_REPLY = "這個按鈕已經失效了（系統更新過），請直接打字問我，或點選下面的主題："

_DISTRICT = re.compile(r"[臺台]南市\s*([\u4e00-\u9fff]{1,3}區)")


def location_reply(address: str | None) -> BotReply:
    """Answer a shared location: offer a job search near it (district of Tainan when recognisable)."""
    match = _DISTRICT.search(address or "")
    district = match.group(1) if match else None
    where = f"（{district}）" if district else ""
    job_button = (
        Button(f"找{district}的工作", f"幫我找{district}的工作")
        if district
        else Button("找工作", "我想找工作")
    )
    return canned(LOCATION_REPLY.format(where=where), [job_button, Button("找真人", "/request_human")])


def media_reply(kind: str) -> BotReply:
    """Answer content the bot cannot read: sticker, image, audio, video or file."""
    human = [Button("找真人", "/request_human")]
    if kind == "sticker":
        return canned(STICKER_REPLY, topic_shortcuts())
    if kind == "image":
        return canned(IMAGE_REPLY, human)
    if kind == "audio":
        return canned(AUDIO_REPLY, human)
    if kind == "video":
        return canned(VIDEO_REPLY, human)
    return canned(FILE_REPLY, human)
