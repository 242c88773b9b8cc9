"""Low-key mode: a switch on the plan, turned on for the plans that exist
already whose answers signal danger at home (asking and then ignoring the
answer is the worst bug); the plan code's keyed hash; and the region whose
helplines the steps name (New Zealand, as before, for existing plans). Expand only: the
previous release ignores both columns, and their database defaults keep its
inserts working."""

from django.db import migrations, models

CLOSE = {"partner", "family"}


def calls_for_low_key(profile):
    profile = profile or {}
    return (
        bool(CLOSE & set(profile.get("adversaries") or ()))
        or profile.get("safe_to_email", True) is False
        or profile.get("safe_device", True) is False
    )


def turn_on_where_answers_call_for_it(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    ids = [
        pk
        for pk, profile in Plan.objects.values_list("pk", "profile").iterator()
        if calls_for_low_key(profile)
    ]
    for start in range(0, len(ids), 500):
        Plan.objects.filter(pk__in=ids[start : start + 500]).update(low_key=True)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_plan_page_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="low_key",
            field=models.BooleanField(
                default=False,
                db_default=False,
                help_text=(
                    "Neutral words on screens, in the calendar, emails, the PDF and the export."
                    " On by default when an answer signals danger at home (plans/lowkey.py)."
                ),
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="code_digest",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="plan",
            name="region",
            field=models.CharField(db_default="nz", default="nz", max_length=8),
        ),
        migrations.RunPython(turn_on_where_answers_call_for_it, migrations.RunPython.noop),
    ]
