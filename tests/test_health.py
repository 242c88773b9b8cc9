import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import lifecycle


@pytest.fixture
def draining():
    lifecycle.start_draining()
    yield
    lifecycle._draining.clear()


def test_healthz_answers_ok_without_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_the_database_and_broker_and_writes_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}
    assert not response.cookies
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


@pytest.mark.django_db
def test_readyz_stays_ready_when_the_broker_is_down_and_says_so_in_the_body_and_log(
    client, settings, caplog
):
    # Pages do not need Redis: a broker outage must not take every instance out.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "degraded": ["broker"]}
    assert "the broker does not answer" in caplog.text


@pytest.mark.django_db
def test_readyz_fails_when_the_database_does_not_answer(client, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "_database_ok", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["database"]}


@pytest.mark.django_db
def test_readyz_fails_as_soon_as_shutdown_starts(client, draining):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["shutting_down"]
    assert client.get("/healthz").status_code == 200


def test_health_endpoints_refuse_posts(client):
    assert client.post("/healthz").status_code == 405
