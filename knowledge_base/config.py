"""Where the knowledge base keeps its data, and which encoder it uses (environment-driven)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENTRIES_DIR = Path(__file__).resolve().parent / "entries"
DEFAULT_ENCODER = "use-m"


@dataclass(frozen=True)
class KBSettings:
    data_dir: Path
    encoder_spec: str
    entries_dir: Path

    @property
    def laws_dir(self) -> Path:
        return self.data_dir / "laws"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def data_dir() -> Path:
    """The data folder: $LABOURBOT_DATA_DIR or `<project root>/var` (git-ignored)."""
    value = os.environ.get("LABOURBOT_DATA_DIR", "").strip()
    return Path(value).expanduser() if value else PROJECT_ROOT / "var"


def encoder_spec() -> str:
    """The encoder spec: $LABOURBOT_ENCODER or "use-m" (the bundled multilingual USE)."""
    return os.environ.get("LABOURBOT_ENCODER", "").strip() or DEFAULT_ENCODER


def entries_dir() -> Path:
    """The curated entries: $LABOURBOT_ENTRIES_DIR or the package's `entries/` folder."""
    value = os.environ.get("LABOURBOT_ENTRIES_DIR", "").strip()
    return Path(value).expanduser() if value else ENTRIES_DIR


def shared_law_dir() -> Path:
    """The reference copy of the official statutes used by tests and benchmarks (never committed)."""
    return PROJECT_ROOT.parent / "shared" / "law"


def settings(
    data: Path | str | None = None,
    encoder: str | None = None,
    entries: Path | str | None = None,
) -> KBSettings:
    """Settings from the environment, each overridable by an explicit argument."""
    return KBSettings(
        data_dir=Path(data).expanduser() if data else data_dir(),
        encoder_spec=encoder or encoder_spec(),
        entries_dir=Path(entries).expanduser() if entries else entries_dir(),
    )
