"""Settings of the service figures: the key that turns sender ids into conversation hashes, and how long
the aggregate rows are kept.

The key: LABOURBOT_FIGURES_KEY when set (every gateway of a deployment on several machines must share
it, or one person counts as several); otherwise a random key the first gateway writes (owner-only) into
`<data_dir>/figures_key`. Without the key a hash cannot be turned back into a LINE or Telegram id, not
even by trying every id: it is an HMAC, not a plain hash.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from labourbot.config import DataSettings

KEY_FILE = "figures_key"  # in the data folder (never committed: var/ is git-ignored)


class FiguresSettings(DataSettings):
    figures_key: SecretStr = SecretStr("")
    figures_record: bool = True  # LABOURBOT_FIGURES_RECORD=false: the gateway records nothing

    def key(self) -> bytes:
        configured = self.figures_key.get_secret_value().strip()
        return (configured or figures_key(self.data_dir)).encode("utf-8")


def figures_key(data_dir: Path) -> str:
    """The data folder's key, written with a fresh random value when it does not exist yet."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another gateway wrote it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(32))
    return path.read_text(encoding="utf-8").strip()
