"""Plan generation (plans/generator.py): the six rules of DESIGN.md, "Plan generation".

Small hand-made catalogues pin each rule to a precise case; property tests
over random valid answers check the rules hold against the real catalogue.
"""

import datetime
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personas.catalogue import ADVERSARIES, DEVICES, GROUPS, HABITS, VISIBILITY
from personas.profile import Profile, profile_from_answers
from plans.catalogue import SAFETY_PLAN_SLUG, HowTo, Step, StepCatalogue, get_catalogue
from plans.generator import (
    CHECKUP_EVERY_WEEKS,
    CHECKUPS,
    REASON_CHECKUP,
    REASON_MAY_ALERT,
    REASON_MOVED,
    REASON_STRETCH,
    GeneratedPlan,
    generate,
)
from plans.order import ADVERSARY_REASONS, REASON_FINDABLE

# --- Helpers ----------------------------------------------------------------


def make_step(
    slug: str, *, platforms: tuple[str, ...] = ("any",), category: str = "device", **fields: Any
) -> Step:
    values: dict[str, Any] = {
        "slug": slug,
        "title": f"Do {slug}",
        "category": category,
        "summary": "A small step.",
        "why": "It helps.",
        "minutes": 10,
        "capability": 1,
        "base_priority": 1,
        "covers_habit": None,
        "changes": ("settings",),
        "may_alert": False,
        "platforms": tuple(
            HowTo(p, "1. Open Settings.", "https://example.org/") for p in platforms
        ),
        "good_enough": None,
        "mitigates": (),
        "visibility": "fine",
        "prerequisites": (),
        "mentor_script": "",
        "example": "",
        "sources": (),
        "last_reviewed": datetime.date(2026, 1, 1),
        "retired": False,
    }
    values.update(fields)
    return Step(**values)


def make_catalogue(*steps: Step) -> StepCatalogue:
    return StepCatalogue(
        steps=MappingProxyType({s.slug: s for s in steps}), glossary=(), version="test", files=()
    )


def person(**answers: Any) -> Profile:
    defaults: dict[str, Any] = {
        "devices": ["iphone"],
        "capability": 2,
        "habits": [],
        "visibility": "private",
        "adversaries": ["scammers"],
        "minutes_per_week": 30,
        "group": "knows",
    }
    return profile_from_answers({**defaults, **answers})


def week_of(plan: GeneratedPlan, slug: str) -> int:
    for week in plan.weeks:
        if any(s.slug == slug for s in week.steps):
            return week.number
    raise AssertionError(f"{slug} is not in the plan: {plan.slugs()}")


def reasons_of(plan: GeneratedPlan, slug: str) -> tuple[str, ...]:
    for week in plan.weeks:
        for step in week.steps:
            if step.slug == slug:
                return step.reasons
    raise AssertionError(f"{slug} is not in the plan: {plan.slugs()}")


def week_minutes(plan: GeneratedPlan, catalogue: StepCatalogue) -> list[tuple[int, int, int]]:
    """(week number, steps, minutes) for every week."""
    return [
        (w.number, len(w.steps), sum(catalogue.steps[s.slug].minutes for s in w.steps))
        for w in plan.weeks
    ]


def safety_plan(**fields: Any) -> Step:
    values: dict[str, Any] = {
        "category": "at-home",
        "minutes": 10,
        "base_priority": 0,
        "changes": ("nothing",),
        "mitigates": (("partner", 3), ("family", 3)),
    }
    values.update(fields)
    return make_step(SAFETY_PLAN_SLUG, **values)


# --- Rule 1: fit ------------------------------------------------------------


def test_a_step_more_than_one_level_above_the_person_is_left_out():
    catalogue = make_catalogue(
        make_step("easy"), make_step("one-up", capability=2), make_step("two-up", capability=3)
    )

    plan = generate(person(capability=1), catalogue)

    assert "one-up" in plan.slugs()
    assert "two-up" not in plan.slugs()


def test_a_step_only_for_a_device_the_person_lacks_is_left_out():
    catalogue = make_catalogue(
        make_step("iphone-only", platforms=("iphone",)),
        make_step("android-only", platforms=("android",)),
        make_step("phone-either", platforms=("iphone", "android")),
    )

    plan = generate(person(devices=["android"]), catalogue)

    assert sorted(plan.slugs()) == ["android-only", "phone-either"]


def test_a_step_for_any_device_fits_everyone_even_without_devices():
    catalogue = make_catalogue(
        make_step("for-anyone", platforms=("any", "iphone")),
        make_step("mac-only", platforms=("mac",)),
    )

    plan = generate(person(devices=[]), catalogue)

    assert plan.slugs() == ["for-anyone"]


def test_a_habit_already_in_place_drops_its_step():
    catalogue = make_catalogue(
        make_step("lock-your-phone", covers_habit="screen_lock"),
        make_step("turn-on-updates", covers_habit="auto_updates"),
    )

    plan = generate(person(habits=["screen_lock"]), catalogue)

    assert plan.slugs() == ["turn-on-updates"]


def test_a_retired_step_is_left_out():
    catalogue = make_catalogue(make_step("current"), make_step("old", retired=True))

    plan = generate(person(), catalogue)

    assert plan.slugs() == ["current"]


# --- Rule 2: visibility -----------------------------------------------------


def visibility_catalogue() -> StepCatalogue:
    return make_catalogue(
        make_step("quick"),
        make_step("hide-your-profile", base_priority=3, visibility="separate-accounts"),
        make_step("separate-accounts", base_priority=0, minutes=20),
    )


def test_a_person_who_must_stay_findable_gets_the_alternative_instead_of_a_hiding_step():
    plan = generate(person(visibility="public"), visibility_catalogue())

    assert "hide-your-profile" not in plan.slugs()
    assert plan.slugs().count("separate-accounts") == 1
    assert REASON_FINDABLE in reasons_of(plan, "separate-accounts")


def test_a_person_who_can_stay_private_gets_the_hiding_step():
    plan = generate(person(visibility="private"), visibility_catalogue())

    assert "hide-your-profile" in plan.slugs()


def test_a_person_who_must_stay_findable_gets_no_hiding_check_up():
    catalogue = make_catalogue(
        make_step("quick"),
        make_step("checkup-hide", category="checkups", visibility="checkup-visible"),
        make_step("checkup-visible", category="checkups"),
    )

    plan = generate(person(visibility="public"), catalogue)

    assert "checkup-hide" not in plan.slugs()
    assert "checkup-visible" in plan.slugs()


# --- Rule 3: safety ---------------------------------------------------------


def safety_catalogue() -> StepCatalogue:
    return make_catalogue(
        make_step("quick-and-valuable", minutes=5, base_priority=3),
        make_step(
            "change-email-password",
            minutes=5,
            base_priority=3,
            may_alert=True,
            mitigates=(("partner", 3), ("family", 3)),
        ),
        safety_plan(),
    )


@pytest.mark.parametrize("close", ["partner", "family"])
def test_the_safety_plan_comes_alone_in_week_1_where_someone_close_is_a_worry(close):
    plan = generate(person(adversaries=[close], minutes_per_week=5), safety_catalogue())

    assert plan.weeks[0].number == 1
    assert [s.slug for s in plan.weeks[0].steps] == [SAFETY_PLAN_SLUG]


def test_the_safety_plan_is_left_out_where_no_one_close_is_a_worry():
    plan = generate(person(adversaries=["scammers"]), safety_catalogue())

    assert SAFETY_PLAN_SLUG not in plan.slugs()


@pytest.mark.parametrize("close", ["partner", "family"])
def test_a_step_that_could_alert_someone_close_waits_until_week_3_and_says_so(close):
    plan = generate(person(adversaries=[close], minutes_per_week=60), safety_catalogue())

    assert week_of(plan, "change-email-password") >= 3
    assert reasons_of(plan, "change-email-password")[0] == REASON_MAY_ALERT


def test_a_step_that_could_alert_is_not_held_back_when_no_one_close_is_a_worry():
    plan = generate(person(adversaries=["scammers"], minutes_per_week=60), safety_catalogue())

    assert week_of(plan, "change-email-password") < 3
    assert REASON_MAY_ALERT not in reasons_of(plan, "change-email-password")


def test_a_check_up_that_could_alert_someone_close_says_so():
    catalogue = make_catalogue(
        safety_plan(), make_step("checkup-accounts", category="checkups", may_alert=True)
    )

    plan = generate(person(adversaries=["partner"]), catalogue)

    assert REASON_MAY_ALERT in reasons_of(plan, "checkup-accounts")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"adversaries": ["partner"]}, "off"),
        ({"adversaries": ["family"], "safe_to_email": True}, "off"),
        ({"adversaries": ["scammers"], "safe_to_email": False}, "off"),
        ({"adversaries": ["scammers"], "safe_device": False}, "off"),
        ({"adversaries": ["scammers"]}, "on"),
    ],
)
def test_reminders_stay_off_where_someone_close_is_a_worry_or_email_is_not_safe(answers, expected):
    plan = generate(person(**answers), safety_catalogue())

    assert plan.reminders_default == expected


# --- Rule 4: value per minute -----------------------------------------------


def test_more_protection_per_minute_comes_first():
    catalogue = make_catalogue(
        make_step("long-and-important", minutes=60, base_priority=3),
        make_step("short-and-useful", minutes=5, base_priority=2),
    )

    plan = generate(person(minutes_per_week=120), catalogue, first_week=2)

    assert plan.slugs() == ["short-and-useful", "long-and-important"]


def test_a_step_against_the_persons_worry_comes_before_a_general_one():
    catalogue = make_catalogue(
        make_step("general", base_priority=2),
        make_step("against-harassers", base_priority=1, mitigates=(("harassers", 3),)),
    )

    worried = generate(person(adversaries=["harassers"]), catalogue)
    not_worried = generate(person(adversaries=["thieves"]), catalogue)

    assert worried.slugs() == ["against-harassers", "general"]
    assert not_worried.slugs() == ["general", "against-harassers"]


# --- Rule 5: schedule -------------------------------------------------------


def test_a_prerequisite_comes_in_an_earlier_week_than_the_step_that_needs_it():
    catalogue = make_catalogue(
        make_step("needs-the-other", minutes=5, base_priority=3, prerequisites=("first-this",)),
        make_step("first-this", minutes=5, base_priority=0),
    )

    for first_week in (1, 2):
        plan = generate(person(minutes_per_week=60), catalogue, first_week=first_week)

        assert week_of(plan, "first-this") < week_of(plan, "needs-the-other")


def test_a_step_whose_prerequisite_does_not_fit_is_left_out_without_delaying_the_rest():
    catalogue = make_catalogue(
        make_step("fits"),
        make_step("needs-a-mac-step", prerequisites=("mac-step",)),
        make_step("mac-step", platforms=("mac",)),
        make_step("checkup", category="checkups"),
    )

    plan = generate(person(devices=["iphone"]), catalogue)

    assert plan.slugs() == ["fits", "checkup"]
    assert [w.number for w in plan.weeks] == [1, 1 + CHECKUP_EVERY_WEEKS]


def test_week_1_is_a_single_quick_win_of_10_minutes_or_less():
    catalogue = make_catalogue(
        make_step("big-and-best", minutes=20, base_priority=3),
        make_step("quick", minutes=10),
        make_step("also-quick", minutes=5),
    )

    plan = generate(person(minutes_per_week=120), catalogue)

    assert plan.weeks[0].number == 1
    [first] = plan.weeks[0].steps
    assert catalogue.steps[first.slug].minutes <= 10
    assert first.reasons[0].startswith("A quick win to start")
    assert "big-and-best" in plan.slugs()


def test_no_week_goes_over_the_persons_minutes():
    catalogue = make_catalogue(
        *(make_step(f"step-{minutes}", minutes=minutes) for minutes in (15, 10, 10, 5, 15))
    )

    plan = generate(person(minutes_per_week=20), catalogue, first_week=2)

    assert sorted(plan.slugs()) == sorted(catalogue.steps)
    for number, _, minutes in week_minutes(plan, catalogue):
        assert minutes <= 20, f"week {number} has {minutes} minutes"


def test_a_step_longer_than_the_persons_minutes_stands_alone_in_its_week():
    catalogue = make_catalogue(
        make_step("quick", minutes=5),
        make_step("long", minutes=30, base_priority=3),
        make_step("short", minutes=5),
    )

    plan = generate(person(minutes_per_week=10), catalogue)

    long_week = next(w for w in plan.weeks if any(s.slug == "long" for s in w.steps))
    assert len(long_week.steps) == 1


def test_there_are_at_most_two_steps_a_week():
    catalogue = make_catalogue(*(make_step(f"tiny-{n}", minutes=5) for n in range(5)))

    plan = generate(person(minutes_per_week=120), catalogue, first_week=2)

    assert [len(w.steps) for w in plan.weeks] == [2, 2, 1]


def test_a_harder_step_comes_no_earlier_than_week_3_and_says_so():
    catalogue = make_catalogue(
        make_step("harder", capability=2, minutes=5, base_priority=3),
        make_step("easy", minutes=5),
        make_step("easy-too", minutes=5),
    )

    plan = generate(person(capability=1, minutes_per_week=60), catalogue)

    assert week_of(plan, "harder") >= 3
    assert REASON_STRETCH in reasons_of(plan, "harder")


def test_quarterly_check_ups_follow_the_main_weeks():
    catalogue = make_catalogue(
        make_step("one"),
        make_step("two"),
        *(make_step(f"checkup-{n}", category="checkups") for n in range(5)),
    )

    plan = generate(person(minutes_per_week=60), catalogue)

    main = [w for w in plan.weeks if not w.steps[0].slug.startswith("checkup")]
    checkups = [w for w in plan.weeks if w.steps[0].slug.startswith("checkup")]
    assert [w.number for w in main] == [1, 2]
    last_main = main[-1].number
    assert [w.number for w in checkups] == [
        last_main + CHECKUP_EVERY_WEEKS * n for n in range(1, CHECKUPS + 1)
    ]
    assert all(w.steps[0].reasons == (REASON_CHECKUP,) for w in checkups)


def test_the_same_answers_give_the_same_plan():
    catalogue = safety_catalogue()
    answers = {"adversaries": ["partner", "scammers"], "devices": ["android", "mac"]}

    assert generate(person(**answers), catalogue) == generate(person(**answers), catalogue)


# --- Reasons ----------------------------------------------------------------


def test_every_planned_step_says_why_it_is_there():
    catalogue = make_catalogue(
        make_step("quick"),
        make_step("plain", minutes=20, base_priority=1),
        make_step("checkup", category="checkups"),
    )

    plan = generate(person(adversaries=["government"]), catalogue)

    assert plan.slugs() == ["quick", "plain", "checkup"]
    for week in plan.weeks:
        for step in week.steps:
            assert step.reasons, f"{step.slug} has no reason"


def test_a_device_name_alone_is_never_a_reason():
    catalogue = make_catalogue(
        make_step("quick"), make_step("iphone-thing", platforms=("iphone", "android"))
    )

    plan = generate(person(devices=["iphone", "windows"]), catalogue)

    assert not any("You use" in r for r in reasons_of(plan, "iphone-thing"))


def test_a_step_against_the_persons_worry_says_so_in_plain_words():
    catalogue = make_catalogue(make_step("stop-scams", mitigates=(("scammers", 3),)))

    plan = generate(person(adversaries=["scammers"]), catalogue)

    assert ADVERSARY_REASONS["scammers"] in reasons_of(plan, "stop-scams")


# --- Rule 6: re-flow --------------------------------------------------------


def reflow_catalogue() -> StepCatalogue:
    return make_catalogue(
        make_step("first", minutes=5, base_priority=3),
        make_step("second", minutes=5, base_priority=2, prerequisites=("first",)),
        make_step("third", minutes=5, base_priority=1),
        make_step("fourth", minutes=5, base_priority=0),
        make_step("checkup-all", category="checkups"),
    )


def test_steps_done_or_already_in_place_are_dropped():
    statuses = {"first": "done", "third": "already", "fourth": "todo", "checkup-all": "done"}

    plan = generate(person(), reflow_catalogue(), statuses=statuses)

    assert plan.slugs() == ["second", "fourth"]
    assert week_of(plan, "second") == 1


def test_not_now_moves_a_step_later_and_says_so():
    plan = generate(person(minutes_per_week=60), reflow_catalogue(), not_before={"first": 5})

    assert week_of(plan, "first") == 5
    assert week_of(plan, "second") > 5
    assert REASON_MOVED in reasons_of(plan, "first")


def test_re_flowing_from_a_later_week_numbers_the_weeks_from_there():
    plan = generate(person(minutes_per_week=60), reflow_catalogue(), first_week=4)

    main = [w.number for w in plan.weeks if w.steps[0].slug != "checkup-all"]
    assert main == [4, 5]
    assert week_of(plan, "first") < week_of(plan, "second")


def test_a_gentle_pace_spreads_steps_one_a_week():
    normal = generate(person(minutes_per_week=60), reflow_catalogue(), first_week=2)
    gentle = generate(person(minutes_per_week=60), reflow_catalogue(), first_week=2, pace="gentle")

    assert max(len(w.steps) for w in normal.weeks) == 2
    assert all(len(w.steps) == 1 for w in gentle.weeks)
    assert sorted(gentle.slugs()) == sorted(normal.slugs())


# --- Properties over random answers, against the real catalogue --------------

answers = st.fixed_dictionaries(
    {
        "devices": st.lists(st.sampled_from(DEVICES), unique=True, max_size=len(DEVICES)),
        "capability": st.integers(1, 4),
        "habits": st.lists(st.sampled_from(HABITS), unique=True, max_size=len(HABITS)),
        "visibility": st.sampled_from(VISIBILITY),
        "adversaries": st.lists(
            st.sampled_from(ADVERSARIES), unique=True, max_size=len(ADVERSARIES)
        ),
        "minutes_per_week": st.integers(5, 120),
        "group": st.sampled_from(GROUPS),
    },
    optional={"safe_to_email": st.booleans(), "safe_device": st.booleans()},
)
profiles = answers.map(profile_from_answers)
paces = st.sampled_from(["normal", "gentle"])
property_test = settings(max_examples=150, deadline=None)


def test_the_real_catalogue_gives_an_iphone_user_worried_about_scams_a_full_plan():
    catalogue = get_catalogue()

    plan = generate(person(devices=["iphone"], adversaries=["scammers"]), catalogue)

    assert len(plan.weeks) > 4
    assert plan.weeks[0].number == 1
    assert plan.weeks[0].steps[0].reasons[0].startswith("A quick win to start")
    assert all(len(s.reasons) <= 2 for w in plan.weeks for s in w.steps)


@property_test
@given(profile=profiles, pace=paces)
def test_the_same_profile_always_gives_the_same_plan(profile, pace):
    catalogue = get_catalogue()

    assert generate(profile, catalogue, pace=pace) == generate(profile, catalogue, pace=pace)


@property_test
@given(profile=profiles, pace=paces)
def test_no_week_goes_over_the_persons_minutes_unless_it_holds_a_single_step(profile, pace):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue, pace=pace)

    for number, count, minutes in week_minutes(plan, catalogue):
        assert count == 1 or minutes <= profile.minutes_per_week, f"week {number}"


@property_test
@given(profile=profiles)
def test_prerequisites_always_come_in_an_earlier_week(profile):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue)

    weeks = {s.slug: w.number for w in plan.weeks for s in w.steps}
    habit_steps = {s.slug for s in catalogue.steps.values() if s.covers_habit in profile.habits}
    for slug, number in weeks.items():
        for prerequisite in catalogue.steps[slug].prerequisites:
            if prerequisite in habit_steps:
                continue
            assert prerequisite in weeks, f"{slug} needs {prerequisite}"
            assert weeks[prerequisite] < number, f"{slug} is not after {prerequisite}"


@property_test
@given(profile=profiles)
def test_every_planned_step_fits_the_person(profile):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue)

    for week in plan.weeks:
        for planned in week.steps:
            step = catalogue.steps[planned.slug]
            assert not step.retired
            assert step.capability <= profile.capability + 1
            if week.number < 3:
                assert step.capability <= profile.capability, f"{step.slug} in week {week.number}"
            assert "any" in step.platform_keys or set(step.platform_keys) & set(profile.devices)
            assert step.covers_habit is None or step.covers_habit not in profile.habits


@property_test
@given(profile=profiles, pace=paces)
def test_week_1_holds_one_quick_win_and_no_week_more_than_two(profile, pace):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue, pace=pace)

    for week in plan.weeks:
        assert len(week.steps) <= (2 if pace == "normal" else 1)
        if week.number == 1:
            [only] = week.steps
            assert catalogue.steps[only.slug].minutes <= 10


@property_test
@given(profile=profiles)
def test_a_person_who_must_stay_findable_never_gets_a_hiding_step(profile):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue)

    if profile.visibility == "public":
        assert not [slug for slug in plan.slugs() if catalogue.steps[slug].hides_you]


@property_test
@given(
    profile=answers.filter(lambda a: {"partner", "family"} & set(a["adversaries"])).map(
        profile_from_answers
    )
)
def test_the_safety_plan_is_in_week_1_and_alerting_steps_wait_when_someone_close_is_a_worry(
    profile,
):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue)

    assert plan.weeks[0].number == 1
    assert [s.slug for s in plan.weeks[0].steps] == [SAFETY_PLAN_SLUG]
    for week in plan.weeks:
        for planned in week.steps:
            if catalogue.steps[planned.slug].may_alert:
                assert week.number >= 3
                assert REASON_MAY_ALERT in planned.reasons
    assert plan.reminders_default == "off"


@property_test
@given(profile=profiles)
def test_every_planned_step_has_a_reason_in_plain_words(profile):
    catalogue = get_catalogue()

    plan = generate(profile, catalogue)

    for week in plan.weeks:
        for planned in week.steps:
            assert planned.reasons, f"{planned.slug} has no reason"
            assert all(reason.endswith(".") for reason in planned.reasons)


def test_the_same_person_gets_the_same_plan_every_time():
    """Generating again (as every tick's re-flow does) never changes a later answer."""
    catalogue, profile = get_catalogue(), person()
    first = generate(profile, catalogue)
    again = generate(profile, catalogue, statuses={"not-a-step": "done"}, first_week=3)
    assert generate(profile, catalogue) == first
    assert again.weeks[0].number >= 3
