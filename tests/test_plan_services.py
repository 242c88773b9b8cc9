import pytest

from personas.profile import profile_from_answers
from plans import services
from plans.catalogue import get_catalogue
from plans.generator import MAX_STEPS_A_WEEK
from plans.models import Plan, PlanStep
from tests.factories import AT_RISK_ANSWERS, make_plan

pytestmark = pytest.mark.django_db


def pending(plan: Plan) -> list[PlanStep]:
    return [s for s in plan.steps.all() if s.is_pending]


def test_a_new_plan_starts_with_one_quick_win_in_week_one():
    plan = make_plan()
    week_one = list(plan.steps.filter(week=1))
    assert len(week_one) == 1
    assert week_one[0].reasons
    assert plan.steps.count() > 5
    assert all(s.status == PlanStep.Status.TODO for s in plan.steps.all())


def test_the_private_key_is_long_random_and_not_the_id():
    first, second = make_plan(), make_plan()
    assert len(first.key) >= 22  # 128 bits or more, URL-safe
    assert first.key != second.key
    assert first.key != str(first.pk)
    assert set(first.key) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_done_closes_the_step_and_keeps_it_in_its_week():
    plan = make_plan()
    first = pending(plan)[0]
    services.step_mark(plan=plan, slug=first.slug, status="done")
    row = plan.steps.get(slug=first.slug)
    assert row.status == "done"
    assert row.week == first.week
    assert row.status_changed_at is not None
    assert pending(plan)[0].slug != first.slug


def test_not_now_moves_the_step_to_a_later_week_and_says_so():
    plan = make_plan()
    first = pending(plan)[0]
    services.step_mark(plan=plan, slug=first.slug, status="not_now")
    row = plan.steps.get(slug=first.slug)
    assert row.week > first.week
    assert row.status == "not_now"
    assert any("moved this back" in reason for reason in row.reasons)
    assert pending(plan)[0].slug != first.slug


def test_already_did_drops_the_step_from_the_weeks_ahead():
    plan = make_plan()
    later = pending(plan)[3]
    services.step_mark(plan=plan, slug=later.slug, status="already")
    assert plan.steps.get(slug=later.slug).status == "already"
    assert later.slug not in [s.slug for s in pending(plan)]


def test_a_bad_status_changes_nothing():
    plan = make_plan()
    before = list(plan.steps.values_list("slug", "week", "status"))
    with pytest.raises(services.StepMarkError):
        services.step_mark(plan=plan, slug=pending(plan)[0].slug, status="deleted")
    with pytest.raises(services.StepMarkError):
        services.step_mark(plan=plan, slug="not-a-step", status="done")
    assert list(plan.steps.values_list("slug", "week", "status")) == before


def test_too_much_spreads_the_rest_out_to_one_step_a_week():
    plan = make_plan()
    services.step_mark(plan=plan, slug=pending(plan)[0].slug, status="done")
    assert any(plan.steps.filter(week=w).count() == 2 for w in range(2, 10))
    services.plan_slow_down(plan=plan)
    plan.refresh_from_db()
    assert plan.pace == "gentle"
    weeks = [s.week for s in pending(plan)]
    assert len(weeks) == len(set(weeks)), "one step a week from now on"


def test_no_week_gets_more_than_two_steps_after_many_changes():
    plan = make_plan()
    for status in ["done", "not_now", "done", "already", "done", "not_now", "done"]:
        services.step_mark(plan=plan, slug=pending(plan)[0].slug, status=status)
    by_week: dict[int, int] = {}
    for row in plan.steps.exclude(status="already"):
        by_week[row.week] = by_week.get(row.week, 0) + 1
    assert max(by_week.values()) <= MAX_STEPS_A_WEEK


def test_a_plan_for_someone_at_risk_starts_with_the_safety_plan():
    plan = make_plan(AT_RISK_ANSWERS)
    assert plan.steps.get(week=1).slug == "make-a-safety-plan"


def test_saving_attaches_an_anonymous_plan_once(django_user_model):
    plan = make_plan()
    alice = django_user_model.objects.create_user("alice@example.org")
    bob = django_user_model.objects.create_user("bob@example.org")
    assert services.plan_attach(plan=plan, user=alice)
    assert not services.plan_attach(plan=plan, user=bob)
    plan.refresh_from_db()
    assert plan.owner == alice


def test_every_change_moves_updated_at_even_the_last_tick():
    plan = make_plan()
    last = list(plan.steps.all())
    plan.steps.exclude(pk=last[-1].pk).update(status="done")
    plan.refresh_from_db()
    before = plan.updated_at
    services.step_mark(plan=plan, slug=last[-1].slug, status="done")
    plan.refresh_from_db()
    assert plan.updated_at > before
    assert not plan.steps.exclude(status="done").exists(), "the last tick is kept too"


def test_a_plan_knows_when_someone_close_is_a_worry():
    assert make_plan(AT_RISK_ANSWERS).someone_close_is_a_worry
    assert not make_plan().someone_close_is_a_worry


def _places(plan: Plan) -> dict[str, tuple]:
    return {s.slug: (s.week, s.order, s.reasons, s.status) for s in pending(plan)}


def _rows(plan: Plan) -> dict[str, tuple]:
    return {s.slug: (s.pk, s.created_at) for s in plan.steps.all()}


def test_a_tick_leaves_the_steps_that_stay_in_place_untouched(django_assert_max_num_queries):
    plan = make_plan()
    before, rows_before = _places(plan), _rows(plan)
    first = pending(plan)[0]
    # Stamp, read, re-plan, and one statement for the tick and the far end
    # (the check-ups move with the end of the plan, a step comes in).
    with django_assert_max_num_queries(5):
        services.step_mark(plan=plan, slug=first.slug, status="done")
    after, rows_after = _places(plan), _rows(plan)
    stayed = [slug for slug in after if before.get(slug) == after[slug]]
    # Nearly every step keeps its week; only the far end of the plan moves,
    # as a step from beyond it comes in.
    assert len(stayed) >= 0.8 * len(after)
    assert all(rows_after[slug] == rows_before[slug] for slug in stayed)


def test_not_now_moves_the_rows_and_keeps_them(django_assert_max_num_queries):
    plan = make_plan()
    before, rows_before = _places(plan), _rows(plan)
    first = pending(plan)[0]
    with django_assert_max_num_queries(6):
        services.step_mark(plan=plan, slug=first.slug, status="not_now")
    after, rows_after = _places(plan), _rows(plan)
    assert after[first.slug][0] > before[first.slug][0]
    assert after[first.slug][3] == PlanStep.Status.NOT_NOW
    kept = set(before) & set(after)
    assert all(rows_after[slug] == rows_before[slug] for slug in kept)


def test_not_now_on_a_step_already_ticked_off_says_so_and_changes_nothing():
    plan = make_plan()
    step = pending(plan)[0]
    services.step_mark(plan=plan, slug=step.slug, status="done")
    plan.refresh_from_db()
    before = (plan.updated_at, list(plan.steps.values_list("slug", "week", "status")))
    with pytest.raises(services.StepMarkError, match="already ticked off"):
        services.step_mark(plan=plan, slug=step.slug, status="not_now")
    plan.refresh_from_db()
    assert (plan.updated_at, list(plan.steps.values_list("slug", "week", "status"))) == before


def test_a_step_put_off_that_no_longer_fits_leaves_the_plan():
    """The re-flow drops a step the planner no longer places, even the one just put off."""
    plan = make_plan()
    have = set(plan.steps.values_list("slug", flat=True))
    # A step for a phone this person does not have: the planner never places it.
    unfit = next(
        s.slug
        for s in get_catalogue().active()
        if s.slug not in have and s.platform_keys == ("android",)
    )
    PlanStep.objects.create(plan=plan, slug=unfit, week=1, order=2, reasons=["A reason."])
    services.step_mark(plan=plan, slug=unfit, status="not_now")
    assert unfit not in set(plan.steps.values_list("slug", flat=True))


def test_the_total_never_grows_when_steps_are_ticked_one_after_another():
    plan = make_plan()
    total = plan.steps.count()
    for status in ["done", "not_now", "already", "done", "done", "not_now", "done", "done"]:
        services.step_mark(plan=plan, slug=pending(plan)[0].slug, status=status)
        assert plan.steps.count() <= total
        total = plan.steps.count()


def test_not_now_then_too_much_does_not_bring_the_step_straight_back():
    plan = make_plan()
    put_off = pending(plan)[0]
    services.step_mark(plan=plan, slug=put_off.slug, status="not_now")
    moved_to = plan.steps.get(slug=put_off.slug).week
    services.plan_slow_down(plan=plan)
    row = plan.steps.get(slug=put_off.slug)
    assert row.week >= moved_to > put_off.week
    assert pending(plan)[0].slug != put_off.slug


def test_a_new_plan_follows_the_persona_first_steps_where_they_fit():
    answers = {
        "devices": ["iphone", "mac"],
        "capability": 3,
        "habits": ["auto_updates"],
        "visibility": "public",
        "adversaries": ["harassers", "data_brokers"],
        "minutes_per_week": 30,
        "group": "knows",
    }
    with_persona = services.plan_create(
        profile=profile_from_answers(answers), persona="sione-organiser"
    )
    without = services.plan_create(profile=profile_from_answers(answers), persona="no-such")
    assert (
        with_persona.steps.get(slug="pile-on-plan").week
        < without.steps.get(slug="pile-on-plan").week
    )
