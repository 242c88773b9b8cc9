import re

import pytest
from django.test import Client
from django.utils.html import escape

from personas.profile import Profile
from plans import offers
from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep
from plans.order import rank_steps
from tests.factories import AT_RISK_ANSWERS, finish_assessment, make_plan

pytestmark = pytest.mark.django_db


def first_pending(plan: Plan) -> PlanStep:
    return next(s for s in plan.steps.all() if s.is_pending)


def test_building_a_plan_needs_a_finished_assessment(client):
    response = client.post("/plans/new/")
    assert response.status_code == 302
    assert response.url == "/start/"
    assert not Plan.objects.exists()


def test_building_a_plan_makes_it_and_opens_its_private_page(client):
    finish_assessment(client)
    response = client.post("/plans/new/", follow=True)
    plan = Plan.objects.get()
    assert response.redirect_chain[-1][0] == f"/p/{plan.key}/"
    assert "assessment" not in client.session
    page = response.content.decode()
    step = get_catalogue().step(first_pending(plan).slug)
    assert "This week" in page
    assert step.title in page
    assert "Done" in page and "Not now" in page and "I already did this" in page


def test_the_plan_page_puts_the_persons_own_devices_first(client):
    plan = make_plan()  # an iPhone and a Windows computer
    response = client.get(f"/p/{plan.key}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = response.content.decode()
    card = text[text.index("This week") : text.index("The weeks ahead")]
    step = get_catalogue().step(first_pending(plan).slug)
    own, others = step.how_tos_for(plan.profile["devices"])
    assert own
    for how_to in own:
        if how_to.platform != "any":
            assert f"How to do it on {how_to.platform_name}" in card
    if others:
        assert card.index("How to do it") < card.index("Steps for other devices")


def test_a_wrong_key_is_not_found(client):
    make_plan()
    assert client.get("/p/not-the-key/").status_code == 404
    assert (
        client.post("/p/not-the-key/steps/phone-screen-lock/", {"status": "done"}).status_code
        == 404
    )


def test_a_plan_with_its_link_off_is_not_found_except_for_its_owner(client, django_user_model):
    owner = django_user_model.objects.create_user("owner@example.org")
    other = django_user_model.objects.create_user("other@example.org")
    plan = make_plan(owner=owner)
    client.force_login(owner)
    response = client.post(f"/p/{plan.key}/link/", {"enabled": "off"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert not plan.link_enabled
    assert client.get(f"/p/{plan.key}/").status_code == 200
    client.logout()
    assert client.get(f"/p/{plan.key}/").status_code == 404
    client.force_login(other)
    assert client.get(f"/p/{plan.key}/").status_code == 404
    step = first_pending(plan)
    assert client.post(f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}).status_code == 404
    assert plan.steps.get(slug=step.slug).status == "todo"


def test_only_the_owner_can_turn_the_link_off(client, django_user_model):
    plan = make_plan()
    assert client.post(f"/p/{plan.key}/link/", {"enabled": "off"}).status_code == 404
    other = django_user_model.objects.create_user("other@example.org")
    owned = make_plan(owner=django_user_model.objects.create_user("me@example.org"))
    client.force_login(other)
    assert client.post(f"/p/{owned.key}/link/", {"enabled": "off"}).status_code == 404
    owned.refresh_from_db()
    assert owned.link_enabled


def test_done_without_javascript_posts_and_redirects_with_a_kind_word(client):
    plan = make_plan()
    step = first_pending(plan)
    response = client.post(f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/p/{plan.key}/"
    assert "Well done" in response.content.decode()
    assert plan.steps.get(slug=step.slug).status == "done"
    # The step's own check comes with the kind word.
    check = get_catalogue().step(step.slug).check
    assert check
    assert f"How to tell it worked: {escape(check)}" in response.content.decode()


@pytest.mark.parametrize("status", ["not_now", "already"])
def test_only_done_says_how_to_tell_it_worked(client, status):
    plan = make_plan()
    step = first_pending(plan)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(
            f"/p/{plan.key}/steps/{step.slug}/", {"status": status}, headers=headers, follow=True
        )
        assert "How to tell it worked:" not in response.content.decode()
        step = first_pending(plan)


def test_done_with_htmx_answers_with_the_updated_plan_only(client):
    plan = make_plan()
    step = first_pending(plan)
    response = client.post(
        f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text
    assert 'id="plan-progress"' in text
    assert "Well done" in text
    assert "You have ticked off 1 of" in text
    check = get_catalogue().step(step.slug).check
    assert f"How to tell it worked: {escape(check)}" in text


def test_an_unknown_status_gives_a_kind_message_and_changes_nothing(client):
    plan = make_plan()
    step = first_pending(plan)
    response = client.post(f"/p/{plan.key}/steps/{step.slug}/", {"status": "nuke"}, follow=True)
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert plan.steps.get(slug=step.slug).status == "todo"


def test_a_get_never_changes_a_step(client):
    plan = make_plan()
    step = first_pending(plan)
    assert client.get(f"/p/{plan.key}/steps/{step.slug}/?status=done").status_code == 405
    assert plan.steps.get(slug=step.slug).status == "todo"


def test_every_post_needs_the_csrf_token():
    plan = make_plan()
    strict = Client(enforce_csrf_checks=True)
    step = first_pending(plan)
    assert strict.post(f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}).status_code == 403
    assert strict.post(f"/p/{plan.key}/slower/").status_code == 403
    assert plan.steps.get(slug=step.slug).status == "todo"


def test_too_much_slows_the_plan_down(client):
    plan = make_plan()
    response = client.post(f"/p/{plan.key}/slower/", follow=True)
    assert "one small step a week" in response.content.decode()
    plan.refresh_from_db()
    assert plan.pace == "gentle"


def test_steps_that_could_alert_someone_close_carry_a_plain_warning(client):
    plan = make_plan(AT_RISK_ANSWERS)
    flagged = [s for s in plan.steps.all() if get_catalogue().step(s.slug).may_alert]
    assert flagged, "an at-risk plan holds steps that someone could notice"
    assert all(s.week >= 3 for s in flagged)
    text = client.get(f"/p/{plan.key}/").content.decode()
    assert "could notice this change" in text


def test_my_plans_lists_only_my_own(client, django_user_model):
    me = django_user_model.objects.create_user("me@example.org")
    mine = make_plan(owner=me)
    theirs = make_plan(owner=django_user_model.objects.create_user("them@example.org"))
    assert client.get("/plans/").status_code == 302  # sign in first
    client.force_login(me)
    text = client.get("/plans/").content.decode()
    assert mine.key in text
    assert theirs.key not in text


def _plan_of_size(size: int) -> Plan:
    plan = make_plan()
    keep = list(plan.steps.order_by("week", "order").values_list("pk", flat=True)[:size])
    plan.steps.exclude(pk__in=keep).delete()
    have = set(plan.steps.values_list("slug", flat=True))
    # Steps the planner ranks for this person and that need no other step
    # first, so a re-flow keeps them (it drops steps that cannot be done).
    ranked, _ = rank_steps(Profile.from_dict(plan.profile), get_catalogue())
    spare = [c.step.slug for c in ranked if c.step.slug not in have and not c.step.prerequisites]
    missing = size - len(keep)
    PlanStep.objects.bulk_create(
        PlanStep(plan=plan, week=30 + i, order=1, slug=slug, reasons=["A reason."])
        for i, slug in enumerate(spare[:missing])
    )
    assert plan.steps.count() == size
    return plan


def test_the_plan_page_needs_the_same_few_queries_for_small_and_large_plans(
    client, django_assert_max_num_queries
):
    counts = []
    for size in (3, 40):
        plan = _plan_of_size(size)
        client.get(f"/p/{plan.key}/")  # the session exists from here on
        with django_assert_max_num_queries(6) as captured:
            response = client.get(f"/p/{plan.key}/")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


def _card(html: str) -> str:
    """The plan card: no celebration line, tokens blanked, white space evened out."""
    start = html.index('<div id="plan-progress">')
    depth = 0
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            card = html[start : start + tag.end()]
            break
    card = re.sub(r'<div class="celebration"[^>]*>.*?</div>', "", card)
    card = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", card)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", card))


def test_the_answer_to_each_tick_is_the_plan_as_stored(client):
    """The htmx answer is drawn from the steps as the tick left them; the
    whole page, read afresh, shows the same card after each kind of tick."""
    plan = make_plan()
    for status in ["done", "not_now", "already", "done", "done", "not_now", "done"]:
        step = first_pending(plan)
        if status == "already":  # tick a step from the weeks ahead
            step = [s for s in plan.steps.all() if s.is_pending][3]
        answer = client.post(
            f"/p/{plan.key}/steps/{step.slug}/", {"status": status}, HTTP_HX_REQUEST="true"
        )
        page = client.get(f"/p/{plan.key}/")
        assert _card(answer.content.decode()) == _card(page.content.decode()), status


def test_a_tick_with_htmx_needs_the_same_few_queries_whatever_the_plan(
    client, django_assert_max_num_queries
):
    counts = []
    for size in (3, 40):
        plan = _plan_of_size(size)
        step = first_pending(plan)
        with django_assert_max_num_queries(10) as captured:
            response = client.post(
                f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_plan_page_offers_steps_when_you_are_ready_outside_the_count(client):
    plan = make_plan()
    offered = offers.when_ready(plan, list(plan.steps.all()))
    page = client.get(f"/p/{plan.key}/").content.decode()
    assert offered
    assert "When you&#x27;re ready" in page or "When you're ready" in page
    assert escape(offered[0].title) in page
    assert f"of {plan.steps.count()} steps" in page
    assert not any(s.slug in {o.slug for o in offered} for s in plan.steps.all())


def test_the_plan_page_still_shows_the_check_ups_in_the_weeks_ahead(client):
    plan = make_plan()
    checkup = next(s for s in plan.steps.all() if get_catalogue().step(s.slug).is_checkup)
    page = client.get(f"/p/{plan.key}/").content.decode()
    assert get_catalogue().step(checkup.slug).title in page


def test_no_step_offered_when_you_are_ready_could_alert_someone_close(client):
    plan = make_plan(AT_RISK_ANSWERS)
    offered = offers.when_ready(plan, list(plan.steps.all()))
    page = client.get(f"/p/{plan.key}/").content.decode()
    assert offered
    assert escape(offered[0].title) in page
    assert not any(s.may_alert for s in offered)
