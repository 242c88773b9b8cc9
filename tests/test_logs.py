"""No personal data in logs: the main flows, captured at DEBUG on every logger."""

import logging

import pytest
from django.core import mail

from plans.models import Plan
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
