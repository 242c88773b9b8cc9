"""The migration that adds low-key mode turns it on for the plans that exist
already whose answers signal danger at home, and for no others."""

import importlib

import pytest
from django.apps import apps

from plans.models import Plan
from tests.factories import ANSWERS, AT_RISK_ANSWERS, make_plan

pytestmark = pytest.mark.django_db

migration = importlib.import_module("plans.migrations.0004_plan_low_key")


def test_existing_plans_whose_answers_signal_danger_become_low_key():
    at_risk = make_plan(AT_RISK_ANSWERS)
    device = make_plan({**ANSWERS, "safe_device": False})
    ordinary = make_plan(ANSWERS)
    Plan.objects.update(low_key=False)  # as they were before the column existed

    migration.turn_on_where_answers_call_for_it(apps, None)

    assert set(Plan.objects.filter(low_key=True).values_list("pk", flat=True)) == {
        at_risk.pk,
        device.pk,
    }
    assert not Plan.objects.get(pk=ordinary.pk).low_key
