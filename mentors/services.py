"""Writes for mentors: profiles, invites, mentorships and kind notes.

Every write goes through here, typed and keyword-only, with full_clean before save.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config import emails
from config.formats import weekday_and_date
from mentors.models import NUDGE_MAX_LENGTH, Invite, MentorProfile, Mentorship, Nudge
from plans import links, reminders
from plans.models import Plan, ReminderSettings

INVITE_DEFAULT_DAYS = 30
INVITE_MAX_DAYS = 90
NUDGE_EVERY = timedelta(days=7)

logger = logging.getLogger(__name__)


class MentorError(Exception):
    """A kind message for the person, shown as it is."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mentor_profile_save(
    *, user: User, display_name: str, what_i_do: str = "", mistake_i_made: str = ""
) -> MentorProfile:
    profile = MentorProfile.objects.filter(user=user).first() or MentorProfile(user=user)
    profile.display_name = display_name.strip()
    profile.what_i_do = what_i_do.strip()
    profile.mistake_i_made = mistake_i_made.strip()
    profile.full_clean()
    profile.save()
    return profile


def invite_create(
    *,
    mentor: MentorProfile,
    label: str,
    days: int = INVITE_DEFAULT_DAYS,
    max_uses: int = 1,
) -> tuple[Invite, str]:
    """A new invite and its token. The token is shown once; only its hash is kept."""
    if not 1 <= days <= INVITE_MAX_DAYS:
        raise MentorError(_("Choose between 1 and %(most)s days.") % {"most": INVITE_MAX_DAYS})
    token = secrets.token_urlsafe(32)
    invite = Invite(
        mentor=mentor,
        label=label.strip(),
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses,
    )
    invite.full_clean()
    invite.save()
    return invite, token


def invite_revoke(*, invite: Invite) -> None:
    Invite.objects.filter(pk=invite.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    invite.refresh_from_db()


def invite_use(*, invite_id: int, plan: Plan, share_progress: bool) -> Mentorship:
    """Count one use of the invite and link the plan to its mentor.

    The conditional UPDATE is the guard: two people on the last use cannot both
    get it, however their requests interleave.
    """
    with transaction.atomic():
        claimed = Invite.objects.filter(
            pk=invite_id,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            used_count__lt=F("max_uses"),
        ).update(used_count=F("used_count") + 1)
        if claimed != 1:
            raise MentorError(
                _(
                    "This invite can't be used any more. Your plan is ready, and you can "
                    "ask for a new link at any time."
                )
            )
        invite = Invite.objects.select_related("mentor").get(pk=invite_id)
        mentorship = Mentorship(
            mentor=invite.mentor,
            plan=plan,
            invite=invite,
            share_progress=share_progress,
            share_changed_at=timezone.now() if share_progress else None,
        )
        mentorship.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                mentorship.save()
        except IntegrityError:
            raise MentorError(
                _("Your plan is already linked to %(name)s.") % {"name": invite.mentor.display_name}
            ) from None
    return mentorship


def mentorship_set_sharing(*, mentorship: Mentorship, share: bool) -> Mentorship:
    if mentorship.ended_at is not None:
        raise MentorError(_("This link to your helper has ended, so nothing is shared."))
    mentorship.share_progress = share
    mentorship.share_changed_at = timezone.now()
    mentorship.full_clean(validate_constraints=False)
    mentorship.save(update_fields=["share_progress", "share_changed_at"])
    return mentorship


def mentorship_next_nudge_at(*, mentorship: Mentorship) -> datetime | None:
    last = mentorship.nudges.order_by("-created_at").values_list("created_at", flat=True).first()
    return last + NUDGE_EVERY if last else None


def nudge_send(*, mentorship: Mentorship, message: str) -> Nudge:
    """A kind note from a mentor, at most one a week per person.

    It shows on the plan page; it is emailed too only where the person turned
    reminder emails on (and told us email is safe for them).
    """
    message = message.strip()
    if not message:
        raise MentorError(_("Choose a note, or write your own."))
    if len(message) > NUDGE_MAX_LENGTH:
        raise MentorError(
            _("Your note is a bit long. Please keep it under %(most)s letters.")
            % {"most": NUDGE_MAX_LENGTH}
        )
    with transaction.atomic():
        # Lock the row so two notes sent at once can't both pass the weekly check.
        locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if not locked.is_shared:
            raise MentorError(
                _("This person is not sharing their progress now, so no note was sent.")
            )
        next_at = mentorship_next_nudge_at(mentorship=locked)
        if next_at is not None and next_at > timezone.now():
            raise MentorError(
                _(
                    "You sent a note this week. You can send another from %(date)s. "
                    "One kind word a week is plenty."
                )
                % {"date": weekday_and_date(timezone.localtime(next_at))}
            )
        nudge = Nudge(mentorship=locked, message=message)
        nudge.full_clean()
        nudge.save()
        if nudge_email_address(plan=locked.plan) is not None:
            transaction.on_commit(lambda: _enqueue_nudge_email(nudge.pk))
    return nudge


def _enqueue_nudge_email(nudge_id: int) -> None:
    from mentors.tasks import send_nudge_email

    try:
        send_nudge_email.apply_async((nudge_id,), retry=False)
    except Exception:  # the broker is down: the note still shows on the plan page
        logger.warning("nudge %s: email not queued, the broker did not answer", nudge_id)


# --- Emailing a note -------------------------------------------------------------


def nudge_email_address(*, plan: Plan) -> str | None:
    """The address the person gave for reminders, only while reminders are on and email is safe.

    A note is emailed only where the person turned email on themselves.
    """
    reminder = ReminderSettings.objects.filter(plan=plan).first()
    if reminder is None or not reminder.active or reminder.stopped_by_bounces:
        return None
    if not reminder.email or not reminders.email_is_safe(plan):
        return None
    return reminder.email


def _nudge_message(*, nudge: Nudge, to: str) -> EmailMultiAlternatives:
    plan = nudge.mentorship.plan
    stop_url = links.unsubscribe_url(plan=plan)
    context = {
        "name": nudge.mentorship.mentor.display_name,
        "message": nudge.message,
        "plan_url": settings.SITE_URL + plan.get_absolute_url(),
        "stop_url": stop_url,
    }
    return emails.make_message(
        "nudge",
        to=to,
        context=context,
        message_id=f"nudge-{nudge.pk}",
        stop_url=stop_url,
        low_key=plan.low_key,
        language=plan.language,
    )


def nudge_email_send(*, nudge_id: int) -> str:
    """Email one note. Returns "sent", "skipped" or "failed"; raises TemporaryMailError to retry.

    The row lock (skip_locked) means a second worker with the same task skips
    it; emailed_at is set in the same transaction, so a failed send is not marked.
    """
    with transaction.atomic():
        nudge = (
            Nudge.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=nudge_id, emailed_at__isnull=True)
            .select_related("mentorship__plan", "mentorship__mentor")
            .first()
        )
        if nudge is None:
            return "skipped"
        address = nudge_email_address(plan=nudge.mentorship.plan)
        if address is None or not nudge.mentorship.is_shared:
            return "skipped"
        try:
            _nudge_message(nudge=nudge, to=address).send()
        except Exception as error:
            if emails.is_temporary(error):
                raise emails.TemporaryMailError(type(error).__name__) from error
            logger.warning("nudge %s: email failed (%s)", nudge.pk, type(error).__name__)
            return "failed"
        Nudge.objects.filter(pk=nudge.pk).update(emailed_at=timezone.now())
    return "sent"
