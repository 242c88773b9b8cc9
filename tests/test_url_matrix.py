"""Every URL in the URLconf has an entry in the permission matrix.

The matrix says, for each URL, what anonymous visitors, the plan's owner, a
mentor the person shares with, a mentor they do not share with and another
signed-in person get. The plan is saved to its owner with its private link
off, so only the owner may open it. A new URL without an entry fails here.
"""

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plans.models import Plan
from tests.test_mentors_permissions import ACTORS, LOGIN, World, state
from tests.test_mentors_permissions import world as world  # the shared fixture

pytestmark = pytest.mark.django_db

OWNER_ONLY_GET = dict(
    anonymous=404, owner=200, sharing_mentor=404, non_sharing_mentor=404, other_user=404
)
OWNER_ONLY_POST = dict(
    anonymous=404, owner=302, sharing_mentor=404, non_sharing_mentor=404, other_user=404
)
EVERYONE = dict.fromkeys(ACTORS, 200)
SIGNED_IN = dict(
    anonymous=LOGIN, owner=200, sharing_mentor=200, non_sharing_mentor=200, other_user=200
)


def plan_url(name: str, *extra: object):
    return lambda w: reverse(name, args=[w.plan.key, *extra])


def first_step(w: World) -> str:
    return w.plan.steps.order_by("week", "order").first().slug


# name -> (method, url builder, data, expected per actor) or the file that covers it.
MATRIX: dict[str, tuple | str] = {
    "landing": ("get", lambda w: "/", {}, EVERYONE),
    "quick_exit_help": ("get", lambda w: reverse("quick_exit_help"), {}, EVERYONE),
    "privacy": ("get", lambda w: reverse("privacy"), {}, EVERYONE),
    "accessibility": ("get", lambda w: reverse("accessibility"), {}, EVERYONE),
    # Ends the visit of whoever presses it, and only theirs.
    "quick_exit": ("post", lambda w: reverse("quick_exit"), {}, dict.fromkeys(ACTORS, 302)),
    "healthz": ("get", lambda w: "/healthz", {}, EVERYONE),
    # Sets the language of whoever presses it (a cookie), and nothing else.
    "set_language": (
        "post",
        lambda w: reverse("set_language"),
        {"language": "es", "next": "/"},
        dict.fromkeys(ACTORS, 302),
    ),
    "readyz": ("get", lambda w: "/readyz", {}, EVERYONE),
    "personas:start": ("get", lambda w: reverse("personas:start"), {}, dict.fromkeys(ACTORS, 302)),
    "personas:question": (
        "get",
        lambda w: reverse("personas:question", args=["devices"]),
        {},
        EVERYONE,
    ),
    # Without a finished assessment in the session: back to the questions.
    "personas:result": (
        "get",
        lambda w: reverse("personas:result"),
        {},
        dict.fromkeys(ACTORS, 302),
    ),
    "personas:others": (
        "get",
        lambda w: reverse("personas:others"),
        {},
        dict.fromkeys(ACTORS, 302),
    ),
    "plans:create": ("post", lambda w: reverse("plans:create"), {}, dict.fromkeys(ACTORS, 302)),
    "plans:mine": ("get", lambda w: reverse("plans:mine"), {}, SIGNED_IN),
    # Each signed-in person deletes only their own account (tests/test_deletion.py).
    "account_delete": ("get", lambda w: reverse("account_delete"), {}, SIGNED_IN),
    "plans:deleted": ("get", lambda w: reverse("plans:deleted"), {}, EVERYONE),
    "plans:detail": ("get", plan_url("plans:detail"), {}, OWNER_ONLY_GET),
    "plans:mark": (
        "post",
        lambda w: reverse("plans:mark", args=[w.plan.key, first_step(w)]),
        {"status": "done"},
        OWNER_ONLY_POST,
    ),
    "plans:slow_down": ("post", plan_url("plans:slow_down"), {}, OWNER_ONLY_POST),
    "plans:save": ("post", plan_url("plans:save"), {}, OWNER_ONLY_POST),
    "plans:set_link": ("post", plan_url("plans:set_link"), {"enabled": "off"}, OWNER_ONLY_POST),
    "plans:delete": ("get", plan_url("plans:delete"), {}, OWNER_ONLY_GET),
    "plans:export": ("get", plan_url("plans:export"), {}, OWNER_ONLY_GET),
    "plans:export_text": ("get", plan_url("plans:export_text"), {}, OWNER_ONLY_GET),
    # Shows the new words on its own page (200), never in a redirect's URL.
    "plans:code_new": ("post", plan_url("plans:code_new"), {}, OWNER_ONLY_GET),
    "plans:new_link": ("post", plan_url("plans:new_link"), {}, OWNER_ONLY_POST),
    "plans:code_enter": ("get", lambda w: reverse("plans:code_enter"), {}, EVERYONE),
    # Ends the visit of whoever presses it, and only theirs.
    "plans:forget_device": ("post", lambda w: reverse("plans:forget_device"), {}, EVERYONE),
    "plans:set_region": ("post", plan_url("plans:set_region"), {"region": "au"}, OWNER_ONLY_POST),
    "plans:set_low_key": (
        "post",
        plan_url("plans:set_low_key"),
        {"low_key": "on"},
        OWNER_ONLY_POST,
    ),
    "plans:pdf": ("get", plan_url("plans:pdf"), {}, OWNER_ONLY_GET),
    "plans:reminders": ("get", plan_url("plans:reminders"), {}, OWNER_ONLY_GET),
    "plans:calendar_new_link": ("post", plan_url("plans:calendar_new_link"), {}, OWNER_ONLY_POST),
    # Links that carry their own signed or random token, not a session.
    "plans:calendar_feed": "tests/test_reminders.py (the feed key is the credential)",
    "plans:reminder_link": "tests/test_reminders.py (signed, expiring email links)",
    "plans:reminder_unsubscribe": "tests/test_reminders.py (signed one-click unsubscribe)",
    "mentors:join": "tests/test_mentors_views.py (random invite token, stored hashed)",
    "mentors:become": ("get", lambda w: reverse("mentors:become"), {}, EVERYONE),
    # allauth's code page with an empty box that is no try: it needs a code asked for.
    "account_confirm_login_code": "tests/test_accounts.py (allauth's page for the emailed code)",
}
# The mentors app's own matrix covers its URLs for the same five people.
for _name in (
    "dashboard",
    "profile",
    "invites",
    "invite",
    "invite_card",
    "invite_revoke",
    "nudge",
    "share_choice",
    "set_sharing",
):
    MATRIX[f"mentors:{_name}"] = "tests/test_mentors_permissions.py"
# Library views with their own checks: the admin needs staff; allauth's
# pages serve signed-out and signed-in people as allauth intends.
LIBRARY_MODULES = ("django.contrib.admin", "allauth.")


def url_names() -> Iterator[tuple[str, str]]:
    """(qualified name, view module) for every pattern in the URLconf."""

    def walk(patterns, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
                yield "admin:*", "django.contrib.admin"  # staff only: see the last test
            elif isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                name = f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)
                yield name, module

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_has_an_entry_in_the_matrix():
    missing = [
        name
        for name, module in url_names()
        if name not in MATRIX and not module.startswith(LIBRARY_MODULES)
    ]
    assert not missing, f"add these URLs to the permission matrix: {missing}"
    stale = set(MATRIX) - {name for name, _ in url_names()}
    assert not stale, f"the matrix names URLs that no longer exist: {stale}"


CASES = [(name, *entry) for name, entry in MATRIX.items() if isinstance(entry, tuple)]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_each_url_lets_in_only_the_right_people(
    client, world, actor, name, method, url, data, expected
):
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    before = (state(world), list(world.plan.steps.values_list("slug", "status", "week")))
    plan_before = Plan.objects.values("link_enabled", "pace", "owner_id").get(pk=world.plan.pk)
    response = getattr(client, method)(url(world), data)
    want = expected[actor]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want, response.content[:300]
    if want in (404, LOGIN):
        after = (state(world), list(world.plan.steps.values_list("slug", "status", "week")))
        assert after == before, "a refused request changed something"
        assert Plan.objects.values("link_enabled", "pace", "owner_id").get(pk=world.plan.pk) == (
            plan_before
        )
    if response.status_code == 200 and actor != "owner" and name == "plans:mine":
        assert world.plan.key not in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_the_admin_is_for_staff_only(client, world, actor):
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
