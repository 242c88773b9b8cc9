"""No personal data in logs: the main flows, captured at DEBUG on every logger."""

import logging

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from plans.models import Plan
from tests.factories import make_plan
from tests.test_accounts import sign_in

pytestmark = pytest.mark.django_db

ANSWERS = {
    "devices": ["iphone", "shared_computer"],
    "confidence": ["2"],
    "habits": ["screen_lock"],
    "visibility": ["private"],
    "worries": ["partner", "data_brokers"],
    "time": ["20"],
    "starting-point": ["unsure"],
    "email-safety": ["no"],
    "device-safety": ["yes"],
}
EMAIL = "kiri.secret-person@example.org"


def test_the_main_flows_log_no_email_answer_or_private_key(client, caplog):
    caplog.set_level(logging.DEBUG)
    for slug, values in ANSWERS.items():
        client.post(f"/start/{slug}/", {"answer": values})
    client.post("/start/devices/", {"answer": ["tampered-value"]})  # a bad post too
    client.get("/people-like-you/")
    client.post("/plans/new/")
    plan = Plan.objects.get()
    step = plan.steps.get(week=1)
    client.post(f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"})
    client.post(f"/p/{plan.key}/steps/{step.slug}/", {"status": "nonsense"})
    client.get("/p/wrong-key-0123456789abcdef/")
    client.post(f"/p/{plan.key}/save/")
    sign_in(client, EMAIL, next_url=plan.get_absolute_url())
    client.post(f"/p/{plan.key}/save/")
    client.get(f"/p/{plan.key}/my-data.json")
    client.post(f"/p/{plan.key}/delete/", {"confirm": "yes"})
    assert mail.outbox, "the sign-in code went out"

    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r} {getattr(record, 'request', '')}"
        for record in caplog.records
    )
    assert len(caplog.records) >= 2, "the flows log what they do"
    assert EMAIL not in logged
    assert "kiri" not in logged.lower()
    assert plan.key not in logged
    for secret in ("partner", "data_brokers", "shared_computer", "tampered-value"):
        assert secret not in logged, secret


# --- Paths in Django's and gunicorn's own lines (issue 25, point 5) -------------


def logged_text(records: list[logging.LogRecord]) -> str:
    """Every record as a handler would print it: message, traceback and attached request."""
    formatter = logging.Formatter("%(name)s %(message)s")
    return "\n".join(
        f"{formatter.format(r)} {getattr(r, 'request', '')} {r.exc_text or ''}" for r in records
    )


def test_a_csrf_failure_logs_the_path_without_its_key(caplog):
    plan = make_plan()
    caplog.set_level(logging.DEBUG)
    forger = Client(enforce_csrf_checks=True)
    for path in (f"/p/{plan.key}/save/", f"/p/{plan.key}/delete/", "/join/invite-token-abc123/"):
        assert forger.post(path, {"confirm": "yes"}).status_code == 403
    logged = logged_text(caplog.records)
    assert "Forbidden (CSRF cookie not set.): /p/[private]/save/" in logged
    assert plan.key not in logged
    assert "invite-token-abc123" not in logged
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_a_server_error_logs_the_path_and_traceback_without_the_key(caplog, monkeypatch):
    from plans import views

    plan = make_plan()

    def broken(request, plan):
        raise RuntimeError(f"could not draw /p/{plan.key}/")

    monkeypatch.setattr(views, "_plan_context", broken)
    caplog.set_level(logging.DEBUG)
    response = Client(raise_request_exception=False).get(f"/p/{plan.key}/")
    assert response.status_code == 500
    logged = logged_text(caplog.records)
    assert "Internal Server Error: /p/[private]" in logged
    assert "RuntimeError: could not draw /p/[private]" in logged
    assert plan.key not in logged


@pytest.mark.django_db(transaction=True)
def test_a_database_reset_mid_request_logs_no_key(caplog):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: pg_terminate_backend resets the connection")
    plan = make_plan()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    caplog.set_level(logging.DEBUG)
    try:
        response = Client(raise_request_exception=False).get(f"/p/{plan.key}/")
    finally:
        connection.close()  # the test's own connection was the one reset
    assert response.status_code == 200  # read again on a new connection
    logged = logged_text(caplog.records)
    assert plan.key not in logged


def test_gunicorn_error_log_lines_name_no_key(capsys):
    from gunicorn.config import Config

    from config.gunicorn import RedactingLogger

    logger = RedactingLogger(Config())
    logger.error("Error handling request %s", f"POST /p/{'K' * 43}/delete/")
    try:
        raise ValueError(f"bad /reminders/{'T' * 40}/")
    except ValueError:
        logger.exception("Error handling request /join/%s/", "J" * 30)
    err = capsys.readouterr().err
    assert "Error handling request POST /p/[private]" in err
    assert "Error handling request /join/[private]" in err
    assert "ValueError: bad /reminders/[private]" in err
    for secret in ("K" * 43, "T" * 40, "J" * 30):
        assert secret not in err
