"""The action server's settings tree (core + kb + jobs + cases), built once per process.

rasa-sdk builds the Action objects itself, so there is no entry point to pass the tree from: the actions
ask `action_settings()`, which reads the environment and `.env` on first use and keeps the result, and
hand its sections down to the libraries (knowledge base, job store, case store). labourbot/config.py
says why the tree's root lives in each process and not in `labourbot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cases.config import CaseSettings
from jobs.config import JobsSettings
from knowledge_base.config import KBSettings
from labourbot.config import ENV_FILE, EnvFile, Settings


@dataclass(frozen=True)
class ActionSettings:
    core: Settings
    kb: KBSettings
    jobs: JobsSettings
    cases: CaseSettings

    @classmethod
    def load(cls, core: Settings | None = None, *, env_file: EnvFile = ENV_FILE) -> ActionSettings:
        """The tree from the environment and `env_file`; every section takes the core's data folder."""
        core = core or Settings(_env_file=env_file)  # type: ignore[call-arg]
        return cls(core=core, kb=KBSettings.under(core, env_file), jobs=JobsSettings.under(core, env_file),
                   cases=CaseSettings.under(core, env_file))


@lru_cache(maxsize=1)
def action_settings() -> ActionSettings:
    """The process's tree (tests that change the environment call `action_settings.cache_clear()`)."""
    return ActionSettings.load()
