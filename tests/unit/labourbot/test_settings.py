"""The settings tree: every section reads `.env` the same way, the data folder is the core's everywhere,
and DATABASE_URL has one parser (labourbot/config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.settings import ActionSettings, action_settings
from cases.config import CaseSettings
from channels.settings import ChannelSettings, GatewaySettings
from jobs.config import JobsSettings
from knowledge_base import config as kb_config
from labourbot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, Settings, sqlalchemy_url

NAMES = ["LABOURBOT_DATA_DIR", "DATABASE_URL", "LABOURBOT_DATABASE_URL", "LABOURBOT_ENCODER",
         "LABOURBOT_ENTRIES_DIR", "LINE_CHANNEL_SECRET", "LABOURBOT_RASA_PORT"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI exports DATABASE_URL (PostgreSQL); these tests decide every value themselves."""
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def write_env(folder: Path, **values: str) -> Path:
    """A project folder's `.env` with `values`."""
    folder.mkdir(parents=True, exist_ok=True)
    env_file = folder / ".env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in values.items()), encoding="utf-8")
    return env_file


# ---------------------------------------------------------------- .env everywhere


def test_data_dir_in_env_file_moves_both_databases_and_the_search_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env_file = write_env(tmp_path / "project", LABOURBOT_DATA_DIR=str(data))

    actions = ActionSettings.load(env_file=env_file)

    assert actions.core.data_dir == data
    assert actions.cases.sqlalchemy_url == f"sqlite:///{data / 'cases.db'}"
    assert actions.jobs.jobs_url == f"sqlite:///{data / 'jobs.db'}"
    assert actions.kb.index_dir == data / "index" and actions.kb.laws_dir == data / "laws"
    assert GatewaySettings.load(env_file=env_file).cases.sqlalchemy_url == f"sqlite:///{data / 'cases.db'}"


def test_the_knowledge_base_reads_env_file_like_the_databases(tmp_path: Path) -> None:
    """Before, knowledge_base/config.py read os.environ only: the index stayed in var/."""
    data, entries = tmp_path / "data", tmp_path / "entries"
    env_file = write_env(tmp_path / "project", LABOURBOT_DATA_DIR=str(data), LABOURBOT_ENCODER="st:/models/x",
                         LABOURBOT_ENTRIES_DIR=str(entries))

    kb = kb_config.settings(env_file=env_file)

    assert (kb.index_dir, kb.encoder_spec, kb.entries_dir) == (data / "index", "st:/models/x", entries)
    assert kb_config.settings(tmp_path / "cli", env_file=env_file).index_dir == tmp_path / "cli" / "index"


def test_the_environment_wins_over_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = write_env(tmp_path, LABOURBOT_DATA_DIR=str(tmp_path / "from-file"), LABOURBOT_RASA_PORT="6000")
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path / "from-env"))

    actions = ActionSettings.load(env_file=env_file)

    assert actions.kb.data_dir == actions.jobs.data_dir == tmp_path / "from-env"
    assert actions.core.rasa_port == 6000


def test_env_file_is_the_project_folders_whatever_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI, the gateway and the action server read one `.env`, wherever they were started from."""
    write_env(tmp_path, LABOURBOT_DATA_DIR=str(tmp_path / "stray"), LINE_CHANNEL_SECRET="stray")
    monkeypatch.chdir(tmp_path)

    for section in (Settings(), CaseSettings(), JobsSettings(), kb_config.KBSettings()):
        assert section.model_config["env_file"] == PROJECT_ROOT / ".env"
        assert section.data_dir != tmp_path / "stray"
    assert ChannelSettings().line_channel_secret.get_secret_value() != "stray"


def test_every_section_takes_the_core_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A core built with an explicit folder (tests, `serve`) carries it to every section."""
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path / "elsewhere"))
    core = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]

    actions = ActionSettings.load(core, env_file=None)
    channels = ChannelSettings(_env_file=None)  # type: ignore[call-arg]
    gateway = GatewaySettings.load(core, channels, env_file=None)

    folders = {actions.kb.data_dir, actions.jobs.data_dir, actions.cases.data_dir, gateway.cases.data_dir}
    assert folders == {tmp_path}
    assert gateway.core is core


def test_blank_means_unset_and_home_is_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABOURBOT_DATA_DIR", "  ")
    assert Settings(_env_file=None).data_dir == DEFAULT_DATA_DIR  # type: ignore[call-arg]
    monkeypatch.setenv("LABOURBOT_DATA_DIR", "~/labourbot-data")
    assert kb_config.data_dir() == Path.home() / "labourbot-data"


def test_the_action_server_reads_its_tree_once() -> None:
    assert action_settings() is action_settings()


# ---------------------------------------------------------------- DATABASE_URL


@pytest.mark.parametrize(("configured", "expected"), [
    ("", "sqlite:///{file}"),
    ("   ", "sqlite:///{file}"),
    ("postgres://bot:pw@db:5432/labourbot", "postgresql+psycopg://bot:pw@db:5432/labourbot"),
    ("postgresql://bot@127.0.0.1/labourbot", "postgresql+psycopg://bot@127.0.0.1/labourbot"),
    ("postgresql+psycopg://bot@db/labourbot", "postgresql+psycopg://bot@db/labourbot"),
    (" postgresql://bot@db/labourbot\n", "postgresql+psycopg://bot@db/labourbot"),
    ("sqlite:////srv/cases.db", "sqlite:////srv/cases.db"),
])
def test_database_url(tmp_path: Path, configured: str, expected: str) -> None:
    assert sqlalchemy_url(configured, tmp_path / "cases.db") == expected.format(file=tmp_path / "cases.db")


def test_postgres_only_ignores_other_urls(tmp_path: Path) -> None:
    """The job listings keep their jobs.db when DATABASE_URL names the case database's SQLite file."""
    own = f"sqlite:///{tmp_path / 'jobs.db'}"
    assert sqlalchemy_url("sqlite:////srv/cases.db", tmp_path / "jobs.db", postgres_only=True) == own
    postgres = sqlalchemy_url("postgres://db/x", tmp_path / "jobs.db", postgres_only=True)
    assert postgres == "postgresql+psycopg://db/x"


@pytest.mark.parametrize("name", ["DATABASE_URL", "LABOURBOT_DATABASE_URL"])
def test_cases_and_jobs_share_one_postgres_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    name: str) -> None:
    monkeypatch.setenv(name, "postgres://bot@db:5432/labourbot")
    core = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    actions = ActionSettings.load(core, env_file=None)
    expected = "postgresql+psycopg://bot@db:5432/labourbot"
    assert actions.cases.sqlalchemy_url == actions.jobs.jobs_url == expected


def test_sqlite_defaults_are_separate_files(tmp_path: Path) -> None:
    cases = CaseSettings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    jobs = JobsSettings(_env_file=None, data_dir=tmp_path,  # type: ignore[call-arg]
                        database_url="sqlite:///x.db")
    assert cases.sqlalchemy_url == f"sqlite:///{tmp_path / 'cases.db'}"
    assert jobs.jobs_url == f"sqlite:///{tmp_path / 'jobs.db'}"
