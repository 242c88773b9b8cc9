"""Random data posted to every form: never a 5xx, never a change from invalid input.

The assessment has its own random-input test (tests/test_assessment_views.py).
Here: plan actions, deletion, reminders, mentor profile, invites, kind notes
and sharing. What counts as valid is decided by the same rules the views use
(the form classes, or the few fixed choices), so the test also shows that an
invalid post never reaches a write.
"""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
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


# --- Every route, not only forms (issue 25, point 6) -----------------------------

LONG = "x" * 5000
FIELDS = ["status", "enabled", "confirm", "share", "login", "code", "email", "label", "answer"]
# Posts here need nothing but the button: any post does what it says.
TAKE_NO_INPUT = {"/p/<str:key>/slower/", "/p/<str:key>/calendar/new/", "/plans/new/"}
ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def every_route() -> list[str]:
    """Every route of the URLconf as a path template, admin's and allauth's too."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                continue
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def filled(route: str, w: World, value: str | None = None) -> str:
    """The route with each parameter a real one (the plan's key, a step's slug, an id), or value."""

    def part(found: re.Match) -> str:
        if value is not None:
            return quote(value, safe="")
        converter, name = found.group(1) or "str", found.group(2)
        if name == "key":
            return w.plan.key
        if name == "slug":
            return w.plan.steps.order_by("week").first().slug
        if converter == "int" or name.endswith("_id"):
            return str(w.sharing.pk)
        return "a-token-that-is-not-real"

    return ROUTE_PARAMETER.sub(part, route)


ODD_BODIES: list[tuple[str, bytes | str]] = [
    ("application/x-www-form-urlencoded; charset=utf-16", "status=done&confirm=yes"),
    ("application/x-www-form-urlencoded; charset=utf-7", "status=done&confirm=yes"),
    ("application/x-www-form-urlencoded; charset=utf-32", "status=done&confirm=yes"),
    ("application/x-www-form-urlencoded", "status=do%00ne&confirm=y%00es&login=a%00@b.nz"),
    ("application/json", '{"status": "done", "confirm": "yes"}'),
    ("text/xml", "<status>done</status>"),
    ("multipart/form-data; boundary=broken", "--nope\r\n\x00\r\n"),
    ("multipart/form-data", "status=done"),
]


def test_every_route_answers_nul_bytes_odd_charsets_long_fields_and_wrong_types_without_a_5xx(
    world,
):
    from django.test import Client

    routes = every_route()
    assert len(routes) > 40  # the app's, allauth's and the admin's
    client = Client(raise_request_exception=False)
    before = snapshot()
    failures = []
    for route in routes:
        client.force_login(world.users["owner"])
        real = filled(route, world)
        asks: list[tuple[str, str, dict[str, Any]]] = [
            ("get", filled(route, world, "a\x00b"), {}),
            ("post", filled(route, world, "a\x00b"), {"data": {"status": "done"}}),
            ("get", f"{real}?next=%00&paper=a%00&q={LONG}", {}),
            ("post", real, {"data": dict.fromkeys(FIELDS, LONG)}),
            ("post", real, {"data": {"login": "a" * 250 + "@example.org"}}),
        ] + [("post", real, {"data": body, "content_type": kind}) for kind, body in ODD_BODIES]
        for method, path, options in asks:
            if route.startswith("/accounts/logout"):
                continue  # signing out changes nothing kept, and ends the session the test uses
            response = getattr(client, method)(path, **options)
            if response.status_code >= 500:
                failures.append((method, route, options.get("content_type"), response.status_code))
        if route in TAKE_NO_INPUT:
            before = snapshot()  # any post is a valid one
        assert snapshot() == before, route
    assert not failures, failures


def test_a_sign_in_address_over_254_characters_gets_a_kind_message_and_no_account(client):
    from accounts.models import User
    from accounts.services import user_get_or_create_for_code

    address = "a" * 250 + "@example.org"
    response = client.post("/accounts/login/", {"login": address})
    assert response.status_code == 200
    assert "That email address is too long" in response.content.decode()
    assert user_get_or_create_for_code(email=address) is None
    assert not User.objects.exists()


def test_a_form_post_in_utf_16_gets_a_400_and_changes_nothing(client, world):
    client.force_login(world.users["owner"])
    before = snapshot()
    step = world.plan.steps.order_by("week").first()
    response = client.post(
        reverse("plans:mark", args=[world.plan.key, step.slug]),
        "status=done",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert snapshot() == before
