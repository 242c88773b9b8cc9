from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentors import services
from mentors.models import Invite, MentorProfile, Mentorship, Nudge
from plans.catalogue import get_catalogue
from plans.models import Plan
from tests.factories import ANSWERS, AT_RISK_ANSWERS, build_plan_in, finish_assessment, make_plan
from tests.test_mentors_helpers import make_invite, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


# --- The mentor ------------------------------------------------------------


def test_a_new_mentor_is_asked_for_their_story_first(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("new@example.org"))
    response = client.get(reverse("mentors:dashboard"))
    assert response.url == reverse("mentors:profile")
    page = client.get(response.url).content.decode()
    assert "For example: I use a different password" in page
    assert 'placeholder="For example: I used the same password' in page


def test_a_mentor_saves_their_story(client, django_user_model):
    user = django_user_model.objects.create_user("new@example.org")
    client.force_login(user)
    response = client.post(
        reverse("mentors:profile"),
        {"display_name": "Aroha", "what_i_do": "I lock my phone.", "mistake_i_made": ""},
    )
    assert response.url == reverse("mentors:dashboard")
    profile = MentorProfile.objects.get(user=user)
    assert (profile.display_name, profile.what_i_do) == ("Aroha", "I lock my phone.")


def test_a_story_without_a_name_gets_a_kind_message(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("new@example.org"))
    response = client.post(reverse("mentors:profile"), {"display_name": " "})
    assert response.status_code == 200
    assert "Please add a name" in response.content.decode()
    assert not MentorProfile.objects.exists()


def test_a_mentor_makes_an_invite_and_sees_the_link_once_with_a_qr_code(client):
    mentor = make_mentor()
    client.force_login(mentor.user)
    response = client.post(reverse("mentors:invites"), {"label": "Mum", "days": 30, "max_uses": 2})
    invite = Invite.objects.get()
    assert response.url == reverse("mentors:invite", args=[invite.pk])
    page = client.get(response.url).content.decode()
    assert "/join/" in page
    token = page.split("/join/")[1].split("/")[0]
    assert services.token_hash(token) == invite.token_hash
    assert 'src="data:image/svg+xml' in page and 'alt="QR code for the invite link"' in page
    card = client.get(reverse("mentors:invite_card", args=[invite.pk])).content.decode()
    assert "Aroha invites you" in card and "data:image/svg+xml" in card
    # Another session (or later, once the session is gone) never sees the link again.
    client.logout()
    client.force_login(mentor.user)
    page = client.get(reverse("mentors:invite", args=[invite.pk])).content.decode()
    assert "/join/" not in page
    assert "we show a link only once" in page


@pytest.mark.parametrize(
    "data",
    [
        {"label": "", "days": 30, "max_uses": 1},
        {"label": "Mum", "days": 0, "max_uses": 1},
        {"label": "Mum", "days": 91, "max_uses": 1},
        {"label": "Mum", "days": "soon", "max_uses": 1},
        {"label": "Mum", "days": 30, "max_uses": 21},
        {"label": "x" * 61, "days": 30, "max_uses": 1},
    ],
)
def test_bad_invite_details_get_a_kind_message_and_no_invite(client, data):
    client.force_login(make_mentor().user)
    response = client.post(reverse("mentors:invites"), data)
    assert response.status_code == 200
    assert 'class="error-message"' in response.content.decode()
    assert not Invite.objects.exists()


def test_the_invite_list_shows_each_state(client):
    mentor = make_mentor()
    make_invite(mentor, label="Active one")
    expired, _ = make_invite(mentor, label="Old one")
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    stopped, _ = make_invite(mentor, label="Stopped one")
    services.invite_revoke(invite=stopped)
    used, _ = make_invite(mentor, label="Used one")
    services.invite_use(invite_id=used.pk, plan=make_plan(), share_progress=False)
    client.force_login(mentor.user)
    page = client.get(reverse("mentors:invites")).content.decode()
    for label in ("Ready to use", "Expired", "Stopped", "Used up"):
        assert label in page
    assert page.count("Stop the invite for") == 1


def test_a_mentor_stops_an_invite(client):
    mentor = make_mentor()
    invite, token = make_invite(mentor)
    client.force_login(mentor.user)
    response = client.post(reverse("mentors:invite_revoke", args=[invite.pk]))
    assert response.url == reverse("mentors:invites")
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert client.get(reverse("mentors:join", args=[token])).status_code == 410


# --- The invited person ----------------------------------------------------


def test_the_welcome_page_shows_the_mentors_story_and_changes_nothing(client):
    invite, token = make_invite(make_mentor())
    response = client.get(reverse("mentors:join", args=[token]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aroha invited you" in page
    assert "My phone updates at night" in page and "one password everywhere" in page
    assert "mentor_invite_id" not in client.session
    invite.refresh_from_db()
    assert invite.used_count == 0


@pytest.mark.parametrize("case", ["expired", "stopped", "used up", "tampered", "too long"])
def test_a_link_that_no_longer_works_gets_a_kind_page_that_still_lets_them_start(client, case):
    invite, token = make_invite(make_mentor())
    if case == "expired":
        Invite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    elif case == "stopped":
        services.invite_revoke(invite=invite)
    elif case == "used up":
        services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=False)
    elif case == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    else:
        token = token * 5
    for method in (client.get, client.post):
        response = method(reverse("mentors:join", args=[token]))
        assert response.status_code == 410
        page = response.content.decode()
        assert "This invite link has ended" in page
        assert reverse("personas:start") in page
        assert "Aroha" not in page
    assert "mentor_invite_id" not in client.session


def join_and_build_plan(client, token: str, answers=None) -> Plan:
    response = client.post(reverse("mentors:join", args=[token]))
    assert response.url == reverse("personas:start")
    finish_assessment(client, answers)
    response = client.post(reverse("plans:create"))
    plan = Plan.objects.order_by("-pk").first()
    assert response.url == reverse("mentors:share_choice", args=[plan.key])
    return plan


def test_after_the_plan_the_person_gets_an_unticked_choice_that_says_what_is_shared(client):
    _invite, token = make_invite(make_mentor())
    plan = join_and_build_plan(client, token)
    response = client.get(reverse("mentors:share_choice", args=[plan.key]))
    page = response.content.decode()
    assert "Share my progress with Aroha?" in page
    assert 'type="checkbox" name="share" id="share" value="on">' in page
    assert "checked" not in page
    assert "Which steps you have done" in page and "This week's step" in page
    assert "never sees your answers, your worries" in page
    assert "Think about your safety first" not in page
    assert not Mentorship.objects.exists()  # the GET changed nothing


def test_ticking_the_box_shares_progress_and_counts_a_use(client):
    invite, token = make_invite(make_mentor())
    plan = join_and_build_plan(client, token)
    response = client.post(reverse("mentors:share_choice", args=[plan.key]), {"share": "on"})
    assert response.url == plan.get_absolute_url()
    mentorship = Mentorship.objects.get()
    assert (mentorship.plan, mentorship.share_progress, mentorship.invite) == (plan, True, invite)
    invite.refresh_from_db()
    assert invite.used_count == 1
    # Back on the choice page later: nothing more to choose, so it goes to the plan.
    assert client.get(reverse("mentors:share_choice", args=[plan.key])).url == (
        plan.get_absolute_url()
    )


def test_leaving_the_box_unticked_links_the_mentor_without_sharing(client):
    _invite, token = make_invite(make_mentor())
    plan = join_and_build_plan(client, token)
    client.post(reverse("mentors:share_choice", args=[plan.key]))
    assert Mentorship.objects.get().share_progress is False
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "You are not sharing your progress with <strong>Aroha</strong>" in page
    assert "Share my progress with Aroha" in page


def test_where_someone_at_home_is_a_worry_the_choice_comes_with_a_safety_note(client):
    _invite, token = make_invite(make_mentor())
    plan = join_and_build_plan(client, token, AT_RISK_ANSWERS)
    page = client.get(reverse("mentors:share_choice", args=[plan.key])).content.decode()
    assert "Think about your safety first" in page
    assert "checked" not in page
    client.post(reverse("mentors:share_choice", args=[plan.key]))
    assert Mentorship.objects.get().share_progress is False
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Only share with someone you trust" in page


def test_a_plan_built_without_an_invite_goes_straight_to_the_plan(client):
    finish_assessment(client, ANSWERS)
    response = client.post(reverse("plans:create"))
    assert response.url == Plan.objects.get().get_absolute_url()


def test_an_invite_used_up_while_the_person_answered_still_leaves_them_their_plan(client):
    invite, token = make_invite(make_mentor())
    plan = join_and_build_plan(client, token)
    services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=False)
    response = client.post(
        reverse("mentors:share_choice", args=[plan.key]), {"share": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "can&#x27;t be used any more" in response.content.decode()
    assert not Mentorship.objects.filter(plan=plan).exists()


def test_the_person_stops_and_restarts_sharing_from_the_plan_page(client):
    mentorship = make_mentorship(make_mentor(), build_plan_in(client))
    plan = mentorship.plan
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "You share your progress with <strong>Aroha</strong>" in page
    url = reverse("mentors:set_sharing", args=[plan.key, mentorship.pk])
    assert client.post(url, {"share": "off"}).url == plan.get_absolute_url()
    mentorship.refresh_from_db()
    assert mentorship.share_progress is False
    client.post(url, {"share": "on"})
    mentorship.refresh_from_db()
    assert mentorship.share_progress is True


# --- Dashboard and notes -----------------------------------------------------


def test_the_dashboard_shows_progress_and_how_to_bring_it_up_but_never_answers(client):
    mentor = make_mentor()
    mentorship = make_mentorship(mentor)
    plan = mentorship.plan
    client.force_login(mentor.user)
    page = client.get(reverse("mentors:dashboard")).content.decode()
    current = get_catalogue().step(next(r for r in plan.steps.all() if r.is_pending).slug)
    assert "Mum" in page
    assert current.title in page
    assert "How to bring it up" in page
    assert "0 steps done" in page
    assert plan.key not in page
    assert plan.persona not in page
    for worry in ("scammers", "thieves", "iphone", "windows"):
        assert worry not in page.lower()


def test_turning_sharing_off_hides_the_person_from_the_dashboard_at_once(client):
    mentor = make_mentor()
    mentorship = make_mentorship(mentor)
    client.force_login(mentor.user)
    assert "person-" in client.get(reverse("mentors:dashboard")).content.decode()
    services.mentorship_set_sharing(mentorship=mentorship, share=False)
    page = client.get(reverse("mentors:dashboard")).content.decode()
    assert "person-" not in page and "No one is sharing" in page
    response = client.post(reverse("mentors:nudge", args=[mentorship.pk]), {"choice": "proud"})
    assert response.status_code == 404


def test_a_mentor_sends_a_kind_note_that_shows_on_the_plan(client):
    mentor = make_mentor()
    mentorship = make_mentorship(mentor)
    client.force_login(mentor.user)
    url = reverse("mentors:nudge", args=[mentorship.pk])
    response = client.post(url, {"choice": "hard"}, follow=True)
    assert "Your note is sent" in response.content.decode()
    assert "You sent a note this week" in response.content.decode()
    response = client.post(url, {"choice": "proud"}, follow=True)
    assert "You sent a note this week" in response.content.decode()
    assert Nudge.objects.count() == 1
    client.logout()
    page = client.get(mentorship.plan.get_absolute_url()).content.decode()
    assert "I found this step hard too" in page
    assert "From Aroha" in page


def test_a_mentor_can_write_their_own_note(client):
    mentor = make_mentor()
    mentorship = make_mentorship(mentor)
    client.force_login(mentor.user)
    url = reverse("mentors:nudge", args=[mentorship.pk])
    client.post(url, {"choice": "own", "own_words": ""})
    client.post(url, {"choice": "own", "own_words": "x" * 301})
    client.post(url, {"choice": "nonsense"})
    assert not Nudge.objects.exists()
    client.post(url, {"choice": "own", "own_words": "  Go you!  "})
    assert Nudge.objects.get().message == "Go you!"
    assert Nudge.objects.get().emailed_at is None


def test_an_unknown_after_plan_page_falls_back_to_the_plan(client):
    finish_assessment(client, ANSWERS)
    session = client.session
    session["after_plan_url_name"] = "https://example.com/elsewhere"
    session.save()
    response = client.post(reverse("plans:create"))
    assert response.url == Plan.objects.get().get_absolute_url()
    assert "after_plan_url_name" not in client.session


def test_the_new_link_is_shown_only_for_a_day(client):
    client.force_login(make_mentor().user)
    client.post(reverse("mentors:invites"), {"label": "Mum", "days": 30, "max_uses": 1})
    invite = Invite.objects.get()
    Invite.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    page = client.get(reverse("mentors:invite", args=[invite.pk])).content.decode()
    assert "/join/" not in page
