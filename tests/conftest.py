"""Shared fixtures. The `stack` fixture starts the real three processes once per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from labourbot.config import PROJECT_ROOT

# The fake LINE/Telegram APIs and gateways on them; a fresh case database per test (SQLite, or
# PostgreSQL when DATABASE_URL is set: .ci/run).
pytest_plugins = ["fakes.plugin", "fakes.case_db"]

SHARED_LAW = PROJECT_ROOT.parent / "shared" / "law"
STACK_DATA = PROJECT_ROOT / "var" / "test-stack"


@pytest.fixture(scope="session")
def law_dir() -> Path:
    """The official MOJ texts kept beside the project (never committed to it)."""
    if not (SHARED_LAW / "ChLaw-labour.json").exists():
        pytest.fail(f"official law texts not found at {SHARED_LAW}")
    return SHARED_LAW


def _prepare_knowledge_base(data_dir: Path) -> None:
    """Import the statutes into the stack's data folder; the index builds itself when stale."""
    labourbot = [sys.executable, "-m", "cli.main"]
    env_args = {"env": {**__import__("os").environ, "LABOURBOT_DATA_DIR": str(data_dir)}, "cwd": PROJECT_ROOT}
    subprocess.run([*labourbot, "kb", "import-law", str(SHARED_LAW / "ChLaw-labour.json"), str(SHARED_LAW / "zh-general")],
                   check=True, capture_output=True, **env_args)
    subprocess.run([*labourbot, "kb", "build"], check=True, capture_output=True, **env_args)


@pytest.fixture(scope="session")
def stack() -> Iterator["Stack"]:
    """Rasa server + action server + gateway on free ports, with the trained model in models/."""
    from cli.serve import Stack, StackConfig

    STACK_DATA.mkdir(parents=True, exist_ok=True)
    _prepare_knowledge_base(STACK_DATA)
    config = StackConfig.ephemeral(STACK_DATA)
    with Stack(config) as running:
        yield running


@pytest.fixture()
def gateway(stack) -> Iterator["GatewayClient"]:
    from cli.client import GatewayClient

    with GatewayClient(stack.config.gateway_url) as client:
        yield client
