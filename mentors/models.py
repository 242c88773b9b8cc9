"""Mentors: people who invite friends and family, and see progress only by their choice.

An invite's token is never stored: only its sha256 hash. A mentorship shares
nothing until the person turns sharing on, and ending it hides everything.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from plans.models import Plan

NUDGE_MAX_LENGTH = 300
INVITE_MAX_USES = 20


class MentorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    display_name = models.CharField(max_length=60)
    what_i_do = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    mistake_i_made = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mentor {self.pk}"


class Invite(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("invite", "Ready to use")
        EXPIRED = "expired", pgettext_lazy("invite", "Expired")
        USED_UP = "used_up", pgettext_lazy("invite", "Used up")
        REVOKED = "revoked", pgettext_lazy("invite", "Stopped")

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="invites")
    label = models.CharField(max_length=60)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(INVITE_MAX_USES)]
    )
    used_count = models.PositiveSmallIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(used_count__lte=F("max_uses")), name="invite_not_over_used"
            ),
        ]

    def __str__(self) -> str:
        return f"Invite {self.pk}"

    def get_state(self, now: datetime | None = None) -> "Invite.State":
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.used_count >= self.max_uses:
            return self.State.USED_UP
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def uses_left(self) -> int:
        return max(self.max_uses - self.used_count, 0)


class Mentorship(models.Model):
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="mentorships")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="mentorships")
    invite = models.ForeignKey(
        Invite, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    share_progress = models.BooleanField(
        default=False, help_text="Off until the person turns it on."
    )
    share_changed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("mentor", "plan"),
                condition=Q(ended_at__isnull=True),
                name="mentorship_one_active_per_mentor_and_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentorship {self.pk}"

    @property
    def is_shared(self) -> bool:
        return self.share_progress and self.ended_at is None


class Nudge(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="nudges")
    message = models.TextField(validators=[MaxLengthValidator(NUDGE_MAX_LENGTH)])
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("mentorship", "created_at"))]

    def __str__(self) -> str:
        return f"Nudge {self.pk}"
