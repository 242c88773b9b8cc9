import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a" * 20 + "-long-random-production-like-value-0123456789",
    "DJANGO_ALLOWED_HOSTS": "littlesteps.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_BEHIND_TLS_PROXY": "1",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_env_example() -> dict[str, str]:
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def test_deploy_check_is_clean_with_the_documented_production_values():
    env = {**read_env_example(), "DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_documents_production_like_values():
    values = read_env_example()
    for key in PRODUCTION_ENV:
        if key != "DJANGO_SECRET_KEY":
            assert key in values, f"{key} is missing from .env.example"


def test_a_missing_secret_with_debug_off_stops_with_one_clear_line():
    result = run_manage("check", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_mode_starts_without_a_secret():
    result = run_manage("check", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_the_user_model_logs_in_by_email_and_has_no_username():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    assert user_model.USERNAME_FIELD == "email"
    assert "username" not in {field.name for field in user_model._meta.get_fields()}


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI promises PostgreSQL and Redis")
def test_ci_runs_against_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_celery_is_configured_safely():
    from config.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_pool_of_connections_is_off_by_default_and_can_be_turned_on():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("DATABASE_URL is not PostgreSQL: the pool is PostgreSQL's alone")
    show = (
        "from django.db import connection; connection.ensure_connection(); "
        "print(type(connection.pool).__name__ if connection.pool else 'no pool')"
    )
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": url}
    plain = run_manage("shell", "-c", show, env=env)
    pooled = run_manage("shell", "-c", show, env={**env, "DATABASE_POOL": "1"})
    assert plain.stdout.splitlines()[-1] == "no pool", plain.stderr
    assert pooled.stdout.splitlines()[-1] == "ConnectionPool", pooled.stderr
