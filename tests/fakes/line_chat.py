"""One LINE turn through a running gateway, for the end-to-end tests: a signed webhook in, the reply the
fake LINE API accepted for that reply token out."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fakes.fake_line import accepted_for
from fakes.payloads import line_body, line_event, sign
from fakes.secrets import LINE_SECRET


def line_send(gateway: Any, line_api: Any, user: str, text: str | None = None,
              postback: str | None = None) -> list[dict[str, Any]]:
    """The LINE messages of the reply to one text or postback."""
    token = "e2e-" + uuid.uuid4().hex
    body = line_body(line_event(user, text, postback=postback, reply_token=token))
    response = gateway.client.post("/webhooks/line", content=body,
                                   headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code == 200, response.text
    [first] = line_api.wait_for(accepted_for(user, token), timeout=90)[:1]
    return list(first.json()["messages"])


def shown(messages: list[dict[str, Any]]) -> str:
    """The messages as one searchable text (JSON, characters unescaped)."""
    return json.dumps(messages, ensure_ascii=False)
