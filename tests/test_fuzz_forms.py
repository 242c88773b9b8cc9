"""Random data posted to every form: never a 5xx, never a change from invalid input.

The assessment has its own random-input test (tests/test_assessment_views.py).
Here: plan actions, deletion, reminders, mentor profile, invites, kind notes
and sharing. What counts as valid is decided by the same rules the views use
(the form classes, or the few fixed choices), so the test also shows that an
invalid post never reaches a write.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentors.forms import InviteForm, MentorProfileForm, NudgeForm
from mentors.models import Invite, MentorProfile, Mentorship, Nudge
from plans.models import Plan, PlanStep, ReminderSettings
from plans.reminder_views import ReminderForm
from tests.test_mentors_permissions import World
from tests.test_mentors_permissions import world as world  # the shared fixture

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "on", "off", "yes", "done", "not_now", "already", "0", "-1", "999999"]),
    st.sampled_from(["\x00", "9:00", "25:61", "Pacific/Auckland", "Not/AZone", "<script>"]),
)


def form_data(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.one_of(st.sampled_from(fields), st.text(min_size=1, max_size=10))
    return st.dictionaries(keys, st.one_of(text, st.lists(text, max_size=3)), max_size=6)


def snapshot() -> tuple:
    return (
        list(Plan.objects.order_by("pk").values_list("pk", "link_enabled", "pace", "owner_id")),
        list(PlanStep.objects.order_by("pk").values_list("pk", "slug", "status", "week")),
        list(ReminderSettings.objects.order_by("pk").values()),
        list(MentorProfile.objects.order_by("pk").values()),
        list(Invite.objects.order_by("pk").values()),
        list(Mentorship.objects.order_by("pk").values_list("pk", "share_progress", "ended_at")),
        Nudge.objects.count(),
    )


def single(data: dict[str, Any], key: str) -> str | None:
    """The value Django's request.POST.get() sees: the last one sent."""
    value = data.get(key)
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def valid_form(form_class: type) -> Callable[[dict[str, Any]], bool]:
    def check(data: dict[str, Any]) -> bool:
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key, value in data.items():
            query.setlist(key, value if isinstance(value, list) else [value])
        return form_class(query).is_valid()

    return check


# name -> (who posts, url builder, field names, is the post valid?)
ENDPOINTS: dict[str, tuple[str, Callable[[World], str], list[str], Callable]] = {
    "mark": (
        "owner",
        lambda w: reverse(
            "plans:mark", args=[w.plan.key, w.plan.steps.order_by("week").first().slug]
        ),
        ["status"],
        lambda d: single(d, "status") in {"done", "not_now", "already"},
    ),
    "set_link": (
        "owner",
        lambda w: reverse("plans:set_link", args=[w.plan.key]),
        ["enabled"],
        lambda d: single(d, "enabled") in {"on", "off"},
    ),
    "delete": (
        "owner",
        lambda w: reverse("plans:delete", args=[w.plan.key]),
        ["confirm"],
        lambda d: single(d, "confirm") == "yes",
    ),
    "reminders": (
        "owner",
        lambda w: reverse("plans:reminders", args=[w.plan.key]),
        ["active", "weekday", "local_time", "time_zone", "email"],
        valid_form(ReminderForm),
    ),
    "mentor_profile": (
        "sharing_mentor",
        lambda w: reverse("mentors:profile"),
        ["display_name", "what_i_do", "mistake_i_made"],
        valid_form(MentorProfileForm),
    ),
    "invites": (
        "sharing_mentor",
        lambda w: reverse("mentors:invites"),
        ["label", "days", "max_uses"],
        valid_form(InviteForm),
    ),
    "nudge": (
        "sharing_mentor",
        lambda w: reverse("mentors:nudge", args=[w.sharing.pk]),
        ["choice", "own_words"],
        valid_form(NudgeForm),
    ),
    "sharing": (
        "owner",
        lambda w: reverse("mentors:set_sharing", args=[w.plan.key, w.sharing.pk]),
        ["share"],
        lambda d: single(d, "share") in {"on", "off"},
    ),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_random_posts_never_break_a_page_or_change_anything_when_invalid(client, world, endpoint):
    actor, url, fields, is_valid = ENDPOINTS[endpoint]
    client.force_login(world.users[actor])
    address = url(world)

    @FUZZ
    @given(data=form_data(fields))
    def post(data: dict[str, Any]) -> None:
        before = snapshot()
        response = client.post(address, data)
        assert response.status_code < 500, (endpoint, data)
        if not is_valid(data):
            assert snapshot() == before, (endpoint, data)

    post()
