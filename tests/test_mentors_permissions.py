"""Who may open or post to every mentor URL and the plan's sharing URLs.

The plan belongs to a signed-in owner with its private link off, so only the
owner can open it. One mentor has sharing on, another (on the same plan) off.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mentors.models import Invite, Mentorship, Nudge
from plans.models import Plan
from tests.factories import make_plan
from tests.test_mentors_helpers import make_invite, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "owner", "sharing_mentor", "non_sharing_mentor", "other_user")
LOGIN = "login"  # a redirect to the sign-in page
PROFILE = "profile"  # a redirect to "About you" (signed in, not a mentor yet)


@dataclass
class World:
    plan: Plan
    sharing: Mentorship
    not_sharing: Mentorship
    invite: Invite
    users: dict


@pytest.fixture
def world() -> World:
    owner = get_user_model().objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    Plan.objects.filter(pk=plan.pk).update(link_enabled=False)
    plan.refresh_from_db()
    sharing_mentor = make_mentor("a@example.org", "Aroha")
    non_sharing_mentor = make_mentor("b@example.org", "Bea")
    sharing = make_mentorship(sharing_mentor, plan, share=True)
    not_sharing = make_mentorship(non_sharing_mentor, plan, share=False)
    invite, _ = make_invite(sharing_mentor, label="Cousin")
    users = {
        "anonymous": None,
        "owner": owner,
        "sharing_mentor": sharing_mentor.user,
        "non_sharing_mentor": non_sharing_mentor.user,
        "other_user": get_user_model().objects.create_user("other@example.org"),
    }
    return World(plan, sharing, not_sharing, invite, users)


def row(**expected):
    return tuple(expected[actor] for actor in ACTORS)


# (name, method, url builder, data, expected per actor in ACTORS order)
CASES = [
    (
        "dashboard",
        "get",
        lambda w: reverse("mentors:dashboard"),
        {},
        row(
            anonymous=LOGIN,
            owner=PROFILE,
            sharing_mentor=200,
            non_sharing_mentor=200,
            other_user=PROFILE,
        ),
    ),
    (
        "profile",
        "get",
        lambda w: reverse("mentors:profile"),
        {},
        row(anonymous=LOGIN, owner=200, sharing_mentor=200, non_sharing_mentor=200, other_user=200),
    ),
    (
        "invite list",
        "get",
        lambda w: reverse("mentors:invites"),
        {},
        row(
            anonymous=LOGIN,
            owner=PROFILE,
            sharing_mentor=200,
            non_sharing_mentor=200,
            other_user=PROFILE,
        ),
    ),
    (
        "invite page",
        "get",
        lambda w: reverse("mentors:invite", args=[w.invite.pk]),
        {},
        row(anonymous=LOGIN, owner=404, sharing_mentor=200, non_sharing_mentor=404, other_user=404),
    ),
    (
        "invite card",
        "get",
        lambda w: reverse("mentors:invite_card", args=[w.invite.pk]),
        {},
        row(anonymous=LOGIN, owner=404, sharing_mentor=200, non_sharing_mentor=404, other_user=404),
    ),
    (
        "stop invite",
        "post",
        lambda w: reverse("mentors:invite_revoke", args=[w.invite.pk]),
        {},
        row(anonymous=LOGIN, owner=404, sharing_mentor=302, non_sharing_mentor=404, other_user=404),
    ),
    (
        "note to a person who shares",
        "post",
        lambda w: reverse("mentors:nudge", args=[w.sharing.pk]),
        {"choice": "proud"},
        row(anonymous=LOGIN, owner=404, sharing_mentor=302, non_sharing_mentor=404, other_user=404),
    ),
    (
        "note to a person who does not share",
        "post",
        lambda w: reverse("mentors:nudge", args=[w.not_sharing.pk]),
        {"choice": "proud"},
        row(anonymous=LOGIN, owner=404, sharing_mentor=404, non_sharing_mentor=404, other_user=404),
    ),
    (
        "plan page",
        "get",
        lambda w: reverse("plans:detail", args=[w.plan.key]),
        {},
        row(anonymous=404, owner=200, sharing_mentor=404, non_sharing_mentor=404, other_user=404),
    ),
    (
        "share choice page",
        "get",
        lambda w: reverse("mentors:share_choice", args=[w.plan.key]),
        {},
        row(anonymous=404, owner=302, sharing_mentor=404, non_sharing_mentor=404, other_user=404),
    ),
    (
        "stop sharing",
        "post",
        lambda w: reverse("mentors:set_sharing", args=[w.plan.key, w.sharing.pk]),
        {"share": "off"},
        row(anonymous=404, owner=302, sharing_mentor=404, non_sharing_mentor=404, other_user=404),
    ),
    (
        "start sharing",
        "post",
        lambda w: reverse("mentors:set_sharing", args=[w.plan.key, w.not_sharing.pk]),
        {"share": "on"},
        row(anonymous=404, owner=302, sharing_mentor=404, non_sharing_mentor=404, other_user=404),
    ),
]


def state(w: World) -> tuple:
    w.sharing.refresh_from_db()
    w.not_sharing.refresh_from_db()
    w.invite.refresh_from_db()
    return (
        w.sharing.share_progress,
        w.not_sharing.share_progress,
        w.invite.revoked_at,
        Nudge.objects.count(),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name, method, url, data, expected", CASES, ids=[c[0] for c in CASES])
def test_every_mentor_and_sharing_url_lets_in_only_the_right_person(
    client, world, actor, name, method, url, data, expected
):
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    before = state(world)
    response = getattr(client, method)(url(world), data)
    want = expected[ACTORS.index(actor)]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif want == PROFILE:
        assert response.status_code == 302
        assert response.url == reverse("mentors:profile")
    else:
        assert response.status_code == want
    if want != 302:
        assert state(world) == before, "a refused request changed something"
    if response.status_code == 200:
        page = response.content.decode()
        shows_person = f'id="person-{world.sharing.pk}"' in page
        assert shows_person == (name == "dashboard" and actor == "sharing_mentor")
        assert f"person-{world.not_sharing.pk}" not in page
        assert ("Cousin" in page) == (actor == "sharing_mentor" and name.startswith("invite"))


@pytest.mark.parametrize("actor", ("anonymous", "sharing_mentor", "non_sharing_mentor", "other"))
def test_with_the_link_on_only_the_owner_can_change_sharing(client, world, actor):
    Plan.objects.filter(pk=world.plan.pk).update(link_enabled=True)
    users = {**world.users, "other": world.users["other_user"]}
    if users[actor] is not None:
        client.force_login(users[actor])
    for mentorship, share in ((world.sharing, "off"), (world.not_sharing, "on")):
        url = reverse("mentors:set_sharing", args=[world.plan.key, mentorship.pk])
        assert client.post(url, {"share": share}).status_code == 404
    assert state(world)[:2] == (True, False)
    page = client.get(world.plan.get_absolute_url()).content.decode()
    assert "Stop sharing with" not in page  # no button they could not use


def test_a_mentor_on_an_unsaved_plan_still_cannot_change_the_persons_choice(client):
    mentor = make_mentor()
    mentorship = make_mentorship(mentor, share=False)
    client.force_login(mentor.user)
    url = reverse("mentors:set_sharing", args=[mentorship.plan.key, mentorship.pk])
    assert client.post(url, {"share": "on"}).status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.share_progress is False


def test_get_requests_to_post_only_urls_are_refused(client, world):
    client.force_login(world.users["owner"])
    for url in (
        reverse("mentors:set_sharing", args=[world.plan.key, world.sharing.pk]),
        reverse("mentors:invite_revoke", args=[world.invite.pk]),
        reverse("mentors:nudge", args=[world.sharing.pk]),
    ):
        assert client.get(url).status_code in (302, 405)
    assert state(world)[0] is True
