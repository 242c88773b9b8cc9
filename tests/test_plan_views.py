import re

import pytest
from django.test import Client

from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep
from plans.selectors import plan_rows
from plans.views import ShownStep, _step_bodies
from tests.factories import ANSWERS, AT_RISK_ANSWERS, finish_assessment, make_plan

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
    assert "HX-Request" in response["Vary"]
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
    spare = [s.slug for s in get_catalogue().active() if s.slug not in have]
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


def test_the_weeks_ahead_are_rendered_again_only_when_they_change(client):
    plan = make_plan()
    assert "plans/_week_ahead.html" in _templates(client.get(f"/p/{plan.key}/"))
    step = first_pending(plan)
    # Not now moves the step into the weeks ahead: they are drawn again...
    moved = client.post(
        f"/p/{plan.key}/steps/{step.slug}/", {"status": "not_now"}, HTTP_HX_REQUEST="true"
    )
    assert "plans/_week_ahead.html" in _templates(moved)
    ahead = moved.content.decode().split('id="ahead-heading"')[1]
    assert get_catalogue().step(step.slug).title in ahead
    # ...once: the whole page after it uses the same drawing.
    page = client.get(f"/p/{plan.key}/")
    assert "plans/_week_ahead.html" not in _templates(page)
    assert ahead in page.content.decode()


def test_a_tick_draws_again_only_the_weeks_that_changed(client):
    plan = make_plan()
    client.get(f"/p/{plan.key}/")
    step = first_pending(plan)
    ticked = client.post(
        f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    drawn = _templates(ticked).count("plans/_week_ahead.html")
    shown = ticked.content.decode().count('<details class="week">')
    assert shown >= 20
    # The check-ups at the far end move a week later with each tick; kept
    # without their numbers, they are not drawn again. A week that comes in
    # from beyond the plan's end is.
    assert drawn <= 1
    # Each kept week carries its own number.
    pending_weeks = sorted({s.week for s in plan.steps.all() if s.is_pending})
    numbers = [int(n) for n in re.findall(r"<summary>Week (\d+):", ticked.content.decode())]
    assert numbers == pending_weeks[1:]


def test_plans_with_the_same_weeks_ahead_share_one_rendered_copy(client):
    first, second = make_plan(), make_plan()
    assert "plans/_week_ahead.html" in _templates(client.get(f"/p/{first.key}/"))
    page = client.get(f"/p/{second.key}/")
    assert "plans/_week_ahead.html" not in _templates(page)
    assert "The weeks ahead" in page.content.decode()


def test_this_weeks_step_is_drawn_once_for_plans_that_show_it_alike(client):
    first, second = make_plan(), make_plan()
    assert "plans/_step_body.html" in _templates(client.get(f"/p/{first.key}/"))
    page = client.get(f"/p/{second.key}/")
    assert "plans/_step_body.html" not in _templates(page)
    # The kept drawing holds the step; the buttons are this plan's own.
    step = first_pending(second)
    text = page.content.decode()
    assert get_catalogue().step(step.slug).example in text
    assert f'hx-post="/p/{second.key}/steps/{step.slug}/"' in text
    assert first.key not in text
    # Other devices get other how-to texts: their own drawing.
    android = make_plan({**ANSWERS, "devices": ["android"]})
    assert first_pending(android).slug == step.slug
    assert "plans/_step_body.html" in _templates(client.get(f"/p/{android.key}/"))


def test_a_kept_step_warns_only_the_plans_that_must_be_careful():
    catalogue = get_catalogue()
    step = next(s for s in catalogue.active() if s.may_alert)
    plan = make_plan(AT_RISK_ANSWERS)
    row = next(r for r in plan_rows(plan_id=plan.pk) if r.slug == step.slug)
    shown = [ShownStep(row, step)]
    careful = _step_bodies(catalogue.version, shown, True, ["iphone"])[0].body
    plain = _step_bodies(catalogue.version, shown, False, ["iphone"])[0].body
    assert "talk it over with a helpline" in careful
    assert "talk it over with a helpline" not in plain
    assert "may notice this change" in plain


def _card(html: str) -> str:
    """The plan card: no celebration line, tokens blanked, white space evened out."""
    start = html.index('<div id="plan-progress">')
    depth = 0
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            card = html[start : start + tag.end()]
            break
    card = re.sub(r'<p class="celebration"[^>]*>.*?</p>', "", card)
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


def test_a_tick_with_htmx_reads_the_steps_once_whatever_the_plan(
    client, django_assert_max_num_queries
):
    """The re-flow reads the steps and hands them on: the answer needs no second read."""
    counts = []
    for size in (3, 40):
        plan = _plan_of_size(size)
        step = first_pending(plan)
        with django_assert_max_num_queries(10) as captured:
            response = client.post(
                f"/p/{plan.key}/steps/{step.slug}/", {"status": "done"}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        sqls = [q["sql"] for q in captured.captured_queries]
        reads = [sql for sql in sqls if sql.startswith("SELECT") and "plans_planstep" in sql]
        assert len(reads) == 1, reads
        counts.append(len(sqls))
    assert counts[0] == counts[1]
