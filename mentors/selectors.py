"""Reads for mentors: what a mentor may see, and what a plan page shows.

A mentor sees only: the mentor's own label for the person, which steps are
done and this week's step. Never answers, worries or persona. Steps that
would give away a worry about someone at home are shown as "a private step".
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentors.models import MentorProfile, Mentorship, Nudge
from mentors.services import mentorship_next_nudge_at
from plans.catalogue import Step, get_catalogue
from plans.lowkey import PRIVATE_STEP_TITLE
from plans.models import Plan, PlanStep
from plans.regions import localise

PRIVATE_CATEGORIES = frozenset({"at-home"})
PRIVATE_SLUGS = frozenset({"checkup-who-has-access"})
# Shown to the helper, in the helper's language (the title is low-key mode's own).
PRIVATE_STEP_SCRIPT = gettext_lazy(
    '"How are you getting on? No need to tell me the details. I am here if you want a hand."'
)

# A note is kept as the words the helper chose, in the helper's language.
NUDGE_CHOICES = {
    "proud": gettext_lazy("I'm proud of you for taking these steps. Small steps add up."),
    "hard": gettext_lazy("I found this step hard too. Take your time, there is no rush."),
    "help": gettext_lazy("If you want a hand with this week's step, I'm happy to sit with you."),
    "well-done": gettext_lazy(
        "Well done on what you have done so far. It really does make a difference."
    ),
}


def _is_private(step: Step) -> bool:
    return step.category in PRIVATE_CATEGORIES or step.slug in PRIVATE_SLUGS


@dataclass(frozen=True)
class SharedPerson:
    mentorship: Mentorship
    name: str
    current_title: str | None
    current_script: str
    done_titles: tuple[str, ...]
    next_nudge_at: datetime | None

    @property
    def done_count(self) -> int:
        return len(self.done_titles)

    @property
    def can_nudge(self) -> bool:
        return self.next_nudge_at is None or self.next_nudge_at <= timezone.now()


def _shared_person(mentorship: Mentorship) -> SharedPerson:
    # In the helper's own language, whatever the plan's.
    catalogue = get_catalogue(translation.get_language())
    rows = list(mentorship.plan.steps.all())
    current = next((row for row in rows if row.is_pending), None)
    done_titles = []
    for row in rows:
        if row.status == PlanStep.Status.DONE:
            step = catalogue.step(row.slug)
            done_titles.append(_(PRIVATE_STEP_TITLE) if _is_private(step) else step.title)
    title, script = None, ""
    if current is not None:
        plan = mentorship.plan
        step = localise(
            catalogue.step(current.slug),
            region=plan.region,
            adversaries=plan.profile.get("adversaries") or (),
        )
        if _is_private(step):
            title, script = _(PRIVATE_STEP_TITLE), str(PRIVATE_STEP_SCRIPT)
        else:
            title, script = step.title, step.mentor_script
    invite_label = mentorship.invite.label if mentorship.invite else ""
    return SharedPerson(
        mentorship=mentorship,
        name=invite_label or _("Someone you invited"),
        current_title=title,
        current_script=script,
        done_titles=tuple(done_titles),
        next_nudge_at=mentorship_next_nudge_at(mentorship=mentorship),
    )


def shared_mentorships(mentor: MentorProfile) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(
        mentor=mentor, share_progress=True, ended_at__isnull=True
    ).select_related("invite", "plan")


def shared_people_for_mentor(*, mentor: MentorProfile) -> list[SharedPerson]:
    return [
        _shared_person(m)
        for m in shared_mentorships(mentor).prefetch_related("plan__steps").order_by("created_at")
    ]


def shared_person(*, mentorship: Mentorship) -> SharedPerson:
    return _shared_person(mentorship)


def mentorships_for_plan(*, plan: Plan) -> list[Mentorship]:
    return list(
        Mentorship.objects.filter(plan=plan, ended_at__isnull=True)
        .select_related("mentor")
        .order_by("created_at")
    )


def nudges_for_plan(*, plan: Plan) -> list[Nudge]:
    """Notes from mentors the person still shares with: ending sharing hides them too."""
    return list(
        Nudge.objects.filter(
            mentorship__plan=plan,
            mentorship__ended_at__isnull=True,
        )
        .select_related("mentorship__mentor")
        .order_by("-created_at")[:10]
    )


def mentor_line_for_plan(plan: Plan) -> tuple[str, str] | None:
    """(mentor's name, their latest note) for the printable plan, only while sharing is on."""
    mentorship = (
        Mentorship.objects.filter(plan=plan, share_progress=True, ended_at__isnull=True)
        .select_related("mentor")
        .order_by("created_at")
        .first()
    )
    if mentorship is None:
        return None
    latest = mentorship.nudges.order_by("-created_at").first()
    return mentorship.mentor.display_name, latest.message if latest else ""
