"""Plans and their steps. The database keeps only content slugs and the
catalogue version; the words of each step come from the YAML catalogue."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_plan_key() -> str:
    # 32 random bytes (256 bits), URL-safe: the private link, never the id.
    return secrets.token_urlsafe(32)


class Plan(models.Model):
    class Pace(models.TextChoices):
        NORMAL = "normal", "Normal"
        GENTLE = "gentle", "Gentle"

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
    profile = models.JSONField(help_text="The profile the plan was built from.")
    persona = models.SlugField(max_length=80)
    catalogue_version = models.CharField(max_length=40)
    start_date = models.DateField()
    pace = models.CharField(max_length=10, choices=Pace.choices, default=Pace.NORMAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.key])


class PlanStep(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DONE = "done", "Done"
        NOT_NOW = "not_now", "Not now"
        ALREADY = "already", "Already did"

    CLOSED = (Status.DONE, Status.ALREADY)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    week = models.PositiveSmallIntegerField()
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("week", "order")
        constraints = [
            models.UniqueConstraint(fields=("plan", "slug"), name="plan_step_once_per_plan"),
        ]
        indexes = [models.Index(fields=("plan", "week", "order"))]

    def __str__(self) -> str:
        return f"{self.slug} (week {self.week})"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_pending(self) -> bool:
        return not self.is_closed
