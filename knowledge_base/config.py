"""Where the knowledge base keeps its data, and which encoder it uses (environment or `.env`).

The `kb` section of a process's settings tree (labourbot/config.py): the action server builds it with
`KBSettings.under(core)`, so the statutes and the search index sit in the same data folder as its
databases; CLI commands and benchmarks call `settings(...)`, each value overridable by an argument.
It reads `.env` like every other section: before, this module read `os.environ` only, so
LABOURBOT_DATA_DIR in `.env` moved the databases but not the search index.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field

from labourbot.config import ENV_FILE, PROJECT_ROOT, DataSettings, EnvFile

ENTRIES_DIR = Path(__file__).resolve().parent / "entries"
DEFAULT_ENCODER = "use-m"


class KBSettings(DataSettings):
    # data_dir (LABOURBOT_DATA_DIR, default <project root>/var) comes from DataSettings.
    # LABOURBOT_ENCODER: "use-m" is the bundled multilingual USE; st:<folder> a local sentence-transformers
    # model.
    encoder_spec: str = Field(DEFAULT_ENCODER, validation_alias=AliasChoices("LABOURBOT_ENCODER"))
    entries_dir: Path = ENTRIES_DIR  # LABOURBOT_ENTRIES_DIR: the curated entries

    @property
    def laws_dir(self) -> Path:
        return self.data_dir / "laws"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def settings(
    data: Path | str | None = None,
    encoder: str | None = None,
    entries: Path | str | None = None,
    *,
    env_file: EnvFile = ENV_FILE,
) -> KBSettings:
    """Settings from the environment and `.env`, each overridable by an explicit argument."""
    given = {"data_dir": data, "encoder_spec": encoder, "entries_dir": entries}
    overrides = {name: value for name, value in given.items() if value}
    return KBSettings(_env_file=env_file, **overrides)  # type: ignore[arg-type]


def data_dir() -> Path:
    """The data folder: LABOURBOT_DATA_DIR or `<project root>/var` (git-ignored)."""
    return settings().data_dir


def encoder_spec() -> str:
    """The encoder spec: LABOURBOT_ENCODER or "use-m" (the bundled multilingual USE)."""
    return settings().encoder_spec


def entries_dir() -> Path:
    """The curated entries: LABOURBOT_ENTRIES_DIR or the package's `entries/` folder."""
    return settings().entries_dir


def shared_law_dir() -> Path:
    """The reference copy of the official statutes used by tests and benchmarks (never committed)."""
    return PROJECT_ROOT.parent / "shared" / "law"
