"""The plan page keeps its weeks ahead drawn ({% cache %} in plans/_progress.html):
every change a person or their helper makes shows at once, each visitor
gets their own working CSRF token, and nothing of one viewer's page reaches
another."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from mentors import services as mentor_services
from plans import services
from plans.models import Plan, PlanStep
from tests.factories import build_plan_in, make_plan
from tests.helpers import fresh_caches
from tests.test_mentors_helpers import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"')


def _page(client: Client, plan: Plan) -> str:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return TOKEN.sub(r"\1TOKEN", response.content.decode())


def _fresh_page(client: Client, plan: Plan, settings) -> str:
    """The page drawn from scratch: every cache swapped for an empty one."""
    fresh_caches(settings)
    return _page(client, plan)


def _first_pending(plan: Plan) -> PlanStep:
    return next(s for s in plan.steps.all() if s.is_pending)


def _tick(plan: Plan) -> None:
    services.step_mark(plan=plan, slug=_first_pending(plan).slug, status="done")


def _not_now(plan: Plan) -> None:
    services.step_mark(plan=plan, slug=_first_pending(plan).slug, status="not_now")


def _too_much(plan: Plan) -> None:
    services.plan_slow_down(plan=plan)


def _saved(plan: Plan) -> None:
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create_user("owner@example.org")
    assert services.plan_attach(plan=plan, user=owner)


def _helper_joins(plan: Plan) -> None:
    make_mentorship(make_mentor(), plan, share=False)


def _sharing_on(plan: Plan) -> None:
    mentorship = make_mentorship(make_mentor(), plan, share=False)
    _page(Client(), plan)  # the page with the helper, not sharing, is kept
    mentor_services.mentorship_set_sharing(mentorship=mentorship, share=True)


def _note(plan: Plan) -> None:
    mentorship = make_mentorship(make_mentor(), plan, share=True)
    _page(Client(), plan)
    mentor_services.nudge_send(mentorship=mentorship, message="You are doing so well.")


def _helper_renamed(plan: Plan) -> None:
    mentor = make_mentor(name="Aroha")
    make_mentorship(mentor, plan, share=True)
    _page(Client(), plan)
    mentor_services.mentor_profile_save(user=mentor.user, display_name="Aunty Aroha")


@pytest.mark.parametrize(
    "change",
    [_tick, _not_now, _too_much, _saved, _helper_joins, _sharing_on, _note, _helper_renamed],
)
def test_every_change_shows_on_the_next_visit(client, settings, change: Callable):
    plan = build_plan_in(client)  # its maker's browser: the Save button shows until it is saved
    before = _page(client, plan)
    change(plan)
    after = _page(client, plan)
    assert after != before
    assert after == _fresh_page(client, plan, settings)


def test_turning_the_link_off_shows_to_its_owner_at_once(client, django_user_model, settings):
    owner = django_user_model.objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    client.force_login(owner)
    assert "Turn the private link off" in _page(client, plan)
    services.plan_set_link(plan=plan, enabled=False)
    after = _page(client, plan)
    assert "Turn the private link back on" in after
    assert after == _fresh_page(client, plan, settings)
    assert Client().get(plan.get_absolute_url()).status_code == 404


def test_the_owners_buttons_are_never_shown_to_someone_else(client, django_user_model):
    owner = django_user_model.objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    client.force_login(owner)
    assert "Turn the private link off" in _page(client, plan)
    stranger = Client()
    stranger.force_login(django_user_model.objects.create_user("someone@example.org"))
    assert "Turn the private link" not in _page(stranger, plan)
    assert "Turn the private link" not in _page(Client(), plan)
    assert "Turn the private link off" in _page(client, plan)


def test_each_visitor_gets_their_own_token_and_it_works():
    plan = make_plan()
    Client().get(plan.get_absolute_url())  # its weeks ahead are kept drawn
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get(plan.get_absolute_url()).content.decode()
        found = set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', html))
        assert len(found) == 1
        (token,) = found
        assert re.search(rf'X-CSRFToken": "{token}"', html)
        tokens.append(token)
        step = _first_pending(plan)
        response = visitor.post(
            f"{plan.get_absolute_url()}steps/{step.slug}/",
            {"status": "done", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]
    assert plan.steps.filter(status=PlanStep.Status.DONE).count() == 2


def test_a_message_shows_once(client):
    plan = make_plan()
    _page(client, plan)
    step = _first_pending(plan)
    client.post(f"{plan.get_absolute_url()}steps/{step.slug}/", {"status": "done"})
    assert "Well done" in _page(client, plan)
    assert "Well done" not in _page(client, plan)


def test_the_page_works_while_the_cache_server_is_away(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    plan = make_plan()
    assert "This week" in _page(client, plan)
    assert "This week" in _page(client, plan)


def test_an_owners_a_link_holders_and_a_helpers_pages_never_trade_parts(
    client, django_user_model, settings
):
    owner = django_user_model.objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    mentor = make_mentor(name="Aroha")
    make_mentorship(mentor, plan, share=True)
    client.force_login(owner)
    helper = Client()
    helper.force_login(mentor.user)
    holder = Client()
    viewers = {"owner": client, "helper": helper, "holder": holder}
    fresh = {}
    for name, viewer in viewers.items():
        fresh[name] = _fresh_page(viewer, plan, settings)
    # Every viewer's page again, now with parts kept from the others' visits.
    for name in ["holder", "helper", "owner", "holder", "owner", "helper"]:
        assert _page(viewers[name], plan) == fresh[name], name
    assert "Stop sharing with Aroha" in fresh["owner"]
    assert "Stop sharing with Aroha" not in fresh["holder"]
    assert "Stop sharing with Aroha" not in fresh["helper"]
    assert "Turn the private link off" not in fresh["helper"] + fresh["holder"]
