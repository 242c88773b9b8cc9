import hashlib
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mentors import services
from mentors.models import Invite, Mentorship, Nudge
from mentors.selectors import (
    PRIVATE_STEP_TITLE,
    mentor_line_for_plan,
    shared_people_for_mentor,
)
from plans.catalogue import get_catalogue
from tests.factories import AT_RISK_ANSWERS, make_plan
from tests.test_mentors_helpers import make_invite, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def test_an_invite_keeps_only_the_hash_of_its_token():
    invite, token = make_invite(make_mentor())
    assert len(token) >= 43
    assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invite.objects.filter(token_hash=token).exists()


def test_an_invite_lasts_30_days_and_one_use_by_default():
    invite, _ = make_invite(make_mentor())
    assert invite.max_uses == 1
    assert abs(invite.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


@pytest.mark.parametrize("days, uses", [(0, 1), (91, 1), (30, 0), (30, 21)])
def test_an_invite_outside_the_limits_is_refused(days, uses):
    with pytest.raises(Exception):  # noqa: B017 - MentorError or ValidationError
        make_invite(make_mentor(), days=days, max_uses=uses)
    assert not Invite.objects.exists()


def test_using_an_invite_counts_a_use_and_links_the_plan_with_sharing_as_chosen():
    invite, _ = make_invite(make_mentor(), max_uses=2)
    mentorship = services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=False)
    invite.refresh_from_db()
    assert invite.used_count == 1
    assert mentorship.share_progress is False
    assert invite.get_state() == Invite.State.ACTIVE


def test_a_used_up_invite_cannot_be_used_again():
    invite, _ = make_invite(make_mentor())
    services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=True)
    with pytest.raises(services.MentorError):
        services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=True)
    invite.refresh_from_db()
    assert invite.used_count == 1
    assert invite.get_state() == Invite.State.USED_UP


def test_a_stopped_or_expired_invite_cannot_be_used():
    mentor = make_mentor()
    stopped, _ = make_invite(mentor)
    services.invite_revoke(invite=stopped)
    expired, _ = make_invite(mentor, label="Dad")
    Invite.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for invite in (stopped, expired):
        with pytest.raises(services.MentorError):
            services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=True)
    stopped.refresh_from_db()
    expired.refresh_from_db()
    assert stopped.get_state() == Invite.State.REVOKED
    assert expired.get_state() == Invite.State.EXPIRED
    assert not Mentorship.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_use_cannot_both_get_it():
    invite, _ = make_invite(make_mentor(), max_uses=1)
    plans = [make_plan(), make_plan()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def use(plan):
        try:
            barrier.wait()
            services.invite_use(invite_id=invite.pk, plan=plan, share_progress=True)
            outcomes.append("ok")
        except services.MentorError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    invite.refresh_from_db()
    assert invite.used_count == 1
    assert Mentorship.objects.count() == 1


def test_a_mentor_can_send_one_kind_note_a_week():
    mentorship = make_mentorship(make_mentor())
    services.nudge_send(mentorship=mentorship, message="Proud of you.")
    with pytest.raises(services.MentorError, match="this week"):
        services.nudge_send(mentorship=mentorship, message="And again.")
    Nudge.objects.update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    services.nudge_send(mentorship=mentorship, message="A new week.")
    assert Nudge.objects.count() == 2


def test_no_note_can_be_sent_when_sharing_is_off_or_too_long_or_empty():
    mentorship = make_mentorship(make_mentor(), share=False)
    with pytest.raises(services.MentorError, match="not sharing"):
        services.nudge_send(mentorship=mentorship, message="Hello")
    services.mentorship_set_sharing(mentorship=mentorship, share=True)
    with pytest.raises(services.MentorError, match="long"):
        services.nudge_send(mentorship=mentorship, message="x" * 301)
    with pytest.raises(services.MentorError):
        services.nudge_send(mentorship=mentorship, message="   ")
    assert not Nudge.objects.exists()


def test_the_dashboard_shows_only_people_who_share_with_done_steps_and_this_weeks_step():
    mentor = make_mentor()
    sharing = make_mentorship(mentor)
    make_mentorship(mentor, share=False)
    first = sharing.plan.steps.first()
    first.status = "done"
    first.save()
    (person,) = shared_people_for_mentor(mentor=mentor)
    catalogue = get_catalogue()
    current = next(row for row in sharing.plan.steps.all() if row.is_pending)
    assert person.done_titles == (catalogue.step(first.slug).title,)
    assert person.current_title == catalogue.step(current.slug).title
    assert person.current_script == catalogue.step(current.slug).mentor_script
    assert person.name == "Mum"


def test_a_step_that_would_show_a_worry_about_someone_at_home_is_a_private_step():
    mentor = make_mentor()
    mentorship = make_mentorship(mentor, answers=AT_RISK_ANSWERS)
    current = next(row for row in mentorship.plan.steps.all() if row.is_pending)
    assert get_catalogue().step(current.slug).category == "at-home"
    (person,) = shared_people_for_mentor(mentor=mentor)
    assert person.current_title == PRIVATE_STEP_TITLE
    assert "safety" not in person.current_script.lower()


def test_the_printable_plan_gets_the_mentor_line_only_while_sharing():
    mentorship = make_mentorship(make_mentor(name="Aroha"))
    assert mentor_line_for_plan(mentorship.plan) == ("Aroha", "")
    services.nudge_send(mentorship=mentorship, message="Kia kaha.")
    assert mentor_line_for_plan(mentorship.plan) == ("Aroha", "Kia kaha.")
    services.mentorship_set_sharing(mentorship=mentorship, share=False)
    assert mentor_line_for_plan(mentorship.plan) is None
