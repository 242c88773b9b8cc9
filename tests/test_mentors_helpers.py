"""Shared builders for the mentor tests (no tests here): made through the real services."""

from typing import Any

from django.contrib.auth import get_user_model

from mentors import services
from mentors.models import Invite, MentorProfile, Mentorship
from plans.models import Plan
from tests.factories import make_plan


def make_mentor(email: str = "mentor@example.org", name: str = "Aroha") -> MentorProfile:
    user = get_user_model().objects.create_user(email)
    return services.mentor_profile_save(
        user=user,
        display_name=name,
        what_i_do="My phone updates at night on its own.",
        mistake_i_made="I used one password everywhere for years.",
    )


def make_invite(mentor: MentorProfile, **kwargs: Any) -> tuple[Invite, str]:
    return services.invite_create(mentor=mentor, label=kwargs.pop("label", "Mum"), **kwargs)


def make_mentorship(
    mentor: MentorProfile, plan: Plan | None = None, *, share: bool = True, **plan_kwargs: Any
) -> Mentorship:
    invite, _ = make_invite(mentor)
    plan = plan or make_plan(**plan_kwargs)
    return services.invite_use(invite_id=invite.pk, plan=plan, share_progress=share)
