"""Plans and their steps. The database keeps only content slugs and the
catalogue version; the words of each step come from the YAML catalogue."""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from personas.profile import CLOSE_ADVERSARIES


def new_plan_key() -> str:
    # 32 random bytes (256 bits), URL-safe: the private link, never the id.
    return secrets.token_urlsafe(32)


class Plan(models.Model):
    class Pace(models.TextChoices):
        NORMAL = "normal", _("Normal")
        GENTLE = "gentle", _("Gentle")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plans",
    )
    key = models.CharField(max_length=64, unique=True, default=new_plan_key, editable=False)
    link_enabled = models.BooleanField(
        default=True, help_text="Off: only the signed-in owner can open the plan."
    )
    low_key = models.BooleanField(
        default=False,
        db_default=False,
        help_text=(
            "Neutral words on screens, in the calendar, emails, the PDF and the export."
            " On by default when an answer signals danger at home (plans/lowkey.py)."
        ),
    )
    # Which country's helplines and reporting routes the steps name (plans/regions.py).
    region = models.CharField(max_length=8, default="nz", db_default="nz")
    # The language the person reads the plan in: its emails, calendar and
    # PDF use it too (a code from settings.LANGUAGES; plans/languages.py).
    language = models.CharField(max_length=8, default="en", db_default="en")
    # A keyed hash of the plan code's words (plans/codes.py), never the words.
    code_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    profile = models.JSONField(help_text="The profile the plan was built from.")
    persona = models.SlugField(max_length=80)
    catalogue_version = models.CharField(max_length=40)
    start_date = models.DateField()
    pace = models.CharField(max_length=10, choices=Pace.choices, default=Pace.NORMAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # No longer written or read. Kept for one release, so the release before
    # this one can still run beside it (expand, then contract); the next
    # release's migration drops it.
    page_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            # The daily clean-up finds anonymous plans untouched for a year.
            models.Index(
                fields=("updated_at",),
                condition=models.Q(owner__isnull=True),
                name="plan_anonymous_updated_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.key])

    @property
    def leave_no_trace(self) -> bool:
        """Email or this device is not safe: offer no bookmark and no email, only a code."""
        return (
            self.profile.get("safe_to_email", True) is False
            or self.profile.get("safe_device", True) is False
        )

    @property
    def someone_close_is_a_worry(self) -> bool:
        """A partner, an ex or family is a worry: pages and prints take care."""
        return bool(CLOSE_ADVERSARIES & set(self.profile.get("adversaries") or ()))


class PlanStep(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DONE = "done", pgettext_lazy("a step's status", "Done")
        NOT_NOW = "not_now", _("Not now")
        ALREADY = "already", _("Already did")

    CLOSED = (Status.DONE, Status.ALREADY)

    # No index of their own: every query names the plan, and the (plan, slug)
    # and (plan, week, order) indexes below start with it.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps", db_index=False)
    week = models.PositiveSmallIntegerField()
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80, db_index=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("week", "order")
        constraints = [
            models.UniqueConstraint(fields=("plan", "slug"), name="plan_step_once_per_plan"),
        ]
        indexes = [
            models.Index(fields=("plan", "week", "order")),
            # The beat's claim reads when each plan last ticked a step
            # (plans.reminders): only the steps done, not the 40 of each plan.
            models.Index(
                fields=("plan", "status_changed_at"),
                condition=models.Q(status="done"),
                name="plan_step_done_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} (week {self.week})"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_pending(self) -> bool:
        return not self.is_closed


def new_feed_key() -> str:
    # The private calendar address; changed by the person to kill an old link.
    return secrets.token_urlsafe(24)


class ReminderSettings(models.Model):
    """One per plan. Off until the person turns it on (never pre-ticked)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="reminder_settings")
    email = models.EmailField(blank=True)
    weekday = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    local_time = models.TimeField(default=datetime.time(9, 0))
    time_zone = models.CharField(max_length=64, default="Pacific/Auckland")
    active = models.BooleanField(default=False)
    active_since = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    bounce_count = models.PositiveSmallIntegerField(default=0)
    stopped_by_bounces = models.BooleanField(default=False)
    feed_key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The beat's claim: active reminders by due time, in the order it
            # takes them (plans.reminders.claim_due), and no others.
            models.Index(
                fields=("next_due_at",),
                condition=models.Q(active=True),
                name="reminder_due_when_active",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders for plan {self.plan_id}"


class ReminderLog(models.Model):
    """One row per plan and due time: the unique pair is the guard against double sends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminder_logs")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    no_rush = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("plan", "due_at"), name="reminder_once_per_due_time"),
        ]
        indexes = [models.Index(fields=("status", "updated_at"))]

    def __str__(self) -> str:
        return f"Reminder for plan {self.plan_id} at {self.due_at:%Y-%m-%d %H:%M}"
