"""What a chat platform gets from the gateway when it starts (built once, in channels/app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from channels.conversation import ConversationService
from channels.handoff import CaseRuntime
from channels.inbox import ChannelInbox, Inbox, Replay
from channels.payloads import PayloadTable
from channels.senders import PlatformSenders


@dataclass(frozen=True)
class GatewayParts:
    conversations: ConversationService  # answers (rate limit, danger words, staff-held cases, Rasa)
    cases: CaseRuntime  # the case store: inboxes and button payloads live there too
    senders: PlatformSenders  # one sender per platform, shared with the outbox

    def inbox(self, channel: str, replay: Replay) -> ChannelInbox:
        """The channel's webhook inbox on the case store."""
        settings = self.cases.settings
        inbox = Inbox(self.cases.store, lease_s=settings.inbox_lease_s, max_attempts=settings.inbox_max_attempts)
        return ChannelInbox(inbox, channel, replay, keep_days=settings.inbox_keep_days)

    def payload_table(self) -> PayloadTable:
        """Long button payloads, kept so that buttons work across restarts and gateway processes."""
        return PayloadTable(self.cases.store)
