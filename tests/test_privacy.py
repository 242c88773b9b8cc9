import datetime
import json

import pytest
from django.apps import apps
from django.utils import timezone

from plans import privacy
from plans.models import Plan
from tests.factories import made_by, make_plan

pytestmark = pytest.mark.django_db


def rows_tied_to(plan_pk: int) -> dict[str, int]:
    """Rows in every model that points at Plan, for this plan."""
    counts = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            points_at_plan = getattr(field, "related_model", None) is Plan
            if points_at_plan and field.concrete and (field.many_to_one or field.one_to_one):
                rows = model.objects.filter(**{field.name: plan_pk})
                counts[model._meta.label] = rows.count()
    return counts


def test_delete_asks_first_and_a_get_changes_nothing(client):
    plan = made_by(client, make_plan())
    response = client.get(f"/p/{plan.key}/delete/")
    assert response.status_code == 200
    assert "cannot undo" in response.content.decode()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_delete_without_the_tick_changes_nothing(client):
    plan = made_by(client, make_plan())
    response = client.post(f"/p/{plan.key}/delete/", follow=True)
    assert "Tick the box" in response.content.decode()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_delete_removes_the_plan_and_every_row_tied_to_it(client):
    plan = made_by(client, make_plan())
    other = make_plan()
    before = rows_tied_to(plan.pk)
    assert before["plans.PlanStep"] > 0
    response = client.post(f"/p/{plan.key}/delete/", {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/plans/deleted/"
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert all(count == 0 for count in rows_tied_to(plan.pk).values())
    assert client.get(f"/p/{plan.key}/").status_code == 404
    assert rows_tied_to(other.pk)["plans.PlanStep"] > 0


def test_a_saved_plan_can_be_deleted_only_by_its_owner(client, django_user_model):
    owner = django_user_model.objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    assert client.post(f"/p/{plan.key}/delete/", {"confirm": "yes"}).status_code == 404
    assert client.get(f"/p/{plan.key}/my-data.json").status_code == 404
    client.force_login(django_user_model.objects.create_user("other@example.org"))
    assert client.post(f"/p/{plan.key}/delete/", {"confirm": "yes"}).status_code == 404
    assert Plan.objects.filter(pk=plan.pk).exists()
    client.force_login(owner)
    assert client.post(f"/p/{plan.key}/delete/", {"confirm": "yes"}).status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_download_my_data_holds_the_plan_its_answers_and_its_steps(client):
    plan = made_by(client, make_plan())
    response = client.get(f"/p/{plan.key}/my-data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)["data"]
    assert data["plans.plan"][0]["profile"] == plan.profile
    assert len(data["plans.planstep"]) == plan.steps.count()
    assert data["plans.plan"][0]["key"] == plan.key


def test_anonymous_plans_untouched_for_a_year_are_deleted():
    stale, fresh = make_plan(), make_plan()
    Plan.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=366)
    )
    assert privacy.plans_delete_stale() == 1
    assert not Plan.objects.filter(pk=stale.pk).exists()
    assert Plan.objects.filter(pk=fresh.pk).exists()


def test_saved_plans_are_never_deleted_for_age(django_user_model):
    owner = django_user_model.objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - datetime.timedelta(days=800))
    assert privacy.plans_delete_stale() == 0
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_the_daily_clean_up_deletes_every_stale_plan_in_small_batches():
    plans = [make_plan() for _ in range(5)]
    fresh = make_plan()
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(
        updated_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert privacy.plans_delete_stale(batch_size=2) == 5
    assert list(Plan.objects.values_list("pk", flat=True)) == [fresh.pk]
