"""The action server reads its settings once per process (actions/settings.py); these tests change the
environment per test (data folder, DATABASE_URL), so each test starts from a fresh read."""

from __future__ import annotations

from typing import Iterator

import pytest

from actions.settings import action_settings


@pytest.fixture(autouse=True)
def fresh_action_settings() -> Iterator[None]:
    action_settings.cache_clear()
    yield
    action_settings.cache_clear()
