"""Filling the scale benchmark's databases (bench/scale.py): plans, steps,
reminder settings and mentors, the way a year of real use would leave them.

Plans and steps go in by COPY through the psycopg connection Django already
has open, a few thousand plans to a transaction; every plan has the steps of
one real plan made by plans.services.plan_create: 33, the most an ordinary
plan of today's catalogue has (plans had about 40 when the catalogue was
larger). Reminder settings go to 60% of the plans (at least 1,000), spread
over the week's days, hours and a handful of time zones; the given share of
plans is anonymous and untouched for 400 days (the daily clean-up's work).
Mentors are users with one helper link each, by bulk_create.
"""

import datetime
import io
import json
import random
import secrets

TIME_ZONES = ["Pacific/Auckland", "Australia/Sydney", "Europe/London", "America/New_York", "UTC"]


class Filler:
    """Rows by COPY, through the psycopg connection Django already has open."""

    def __init__(self) -> None:
        from personas.profile import profile_from_answers
        from plans.services import plan_create

        # Five devices, six worries (none at home) and an hour a week: the
        # most steps an ordinary plan of today's catalogue has (33).
        answers = {
            "devices": ["iphone", "android", "windows", "mac", "chromebook"],
            "capability": 2,
            "habits": [],
            "visibility": "some",
            "adversaries": [
                "scammers",
                "thieves",
                "harassers",
                "employer",
                "data_brokers",
                "government",
            ],
            "minutes_per_week": 60,
            "group": "knows",
        }
        self.template = plan_create(
            profile=profile_from_answers(answers), persona="mere-cafe-owner"
        )
        self.steps = list(self.template.steps.values_list("week", "order", "slug", "reasons"))
        self.profile = json.dumps(self.template.profile)
        self.plans = 0
        self.stale = 0
        self.settings = 0
        self.keys: list[tuple[int, str]] = []

    def copy(self, table: str, columns: list[str], rows: io.StringIO) -> None:
        from django.db import connection

        rows.seek(0)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                while chunk := rows.read(1 << 20):
                    copy.write(chunk)

    def fill(self, total: int, stale: int, batch: int = 5000) -> None:
        from django.db import connection, transaction

        from plans.models import Plan, PlanStep, ReminderSettings

        now = datetime.datetime.now(datetime.UTC)
        old = now - datetime.timedelta(days=400)
        start = self.template.start_date.isoformat()
        version = self.template.catalogue_version
        while self.plans < total:
            count = min(batch, total - self.plans)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM plans_plan")
                    first = cursor.fetchone()[0] + 1
                plans, steps, settings = io.StringIO(), io.StringIO(), io.StringIO()
                for n in range(count):
                    pk = first + n
                    key = secrets.token_urlsafe(32)
                    left = total - self.plans - n
                    is_stale = random.random() < (stale - self.stale) / left
                    changed = (
                        old
                        if is_stale
                        else now - datetime.timedelta(minutes=random.randint(1, 50000))
                    )
                    self.stale += is_stale
                    profile = self.profile.replace("\\", "\\\\")
                    plans.write(
                        f"{pk}\t{key}\tt\t{profile}\tbench\t{version}\t{start}\tnormal\t"
                        f"{changed.isoformat()}\t{changed.isoformat()}\n"
                    )
                    if not is_stale:
                        self.keys.append((pk, key))
                    for week, order, slug, reasons in self.steps:
                        steps.write(
                            f"{pk}\t{week}\t{order}\t{slug}\ttodo\t{json.dumps(reasons)}\t"
                            f"{now.isoformat()}\n"
                        )
                    wanted = max(1000, int(0.6 * total))
                    if self.settings < wanted and random.random() < (wanted - self.settings) / (
                        total - self.plans - n
                    ):
                        self.settings += 1
                        due = now + datetime.timedelta(minutes=random.randint(60, 7 * 24 * 60))
                        settings.write(
                            f"{pk}\tbench{pk}@example.org\t{due.weekday()}\t"
                            f"{random.randint(6, 21):02d}:{random.choice(['00', '30'])}:00\t"
                            f"{random.choice(TIME_ZONES)}\tt\t{now.isoformat()}\t"
                            f"{due.isoformat()}\t{secrets.token_urlsafe(24)}\t0\tf\t"
                            f"{now.isoformat()}\t{now.isoformat()}\n"
                        )
                self.copy(
                    Plan._meta.db_table,
                    [
                        "id",
                        "key",
                        "link_enabled",
                        "profile",
                        "persona",
                        "catalogue_version",
                        "start_date",
                        "pace",
                        "created_at",
                        "updated_at",
                    ],
                    plans,
                )
                self.copy(
                    PlanStep._meta.db_table,
                    ["plan_id", "week", '"order"', "slug", "status", "reasons", "created_at"],
                    steps,
                )
                self.copy(ReminderSettings._meta.db_table, SETTINGS_COLUMNS, settings)
            self.plans += count
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('plans_plan', 'id'), MAX(id)) FROM plans_plan"
            )


SETTINGS_COLUMNS = [
    "plan_id",
    "email",
    "weekday",
    "local_time",
    "time_zone",
    "active",
    "active_since",
    "next_due_at",
    "feed_key",
    "bounce_count",
    "stopped_by_bounces",
    "created_at",
    "updated_at",
]


def add_mentors(keys: list[tuple[int, str]], count: int) -> None:
    from django.contrib.auth import get_user_model

    from mentors.models import MentorProfile, Mentorship

    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(email=f"mentor-{secrets.token_hex(8)}@example.org")
            for n in range(count)
        ],
        batch_size=2000,
    )
    mentors = MentorProfile.objects.bulk_create(
        [MentorProfile(user=user, display_name=f"Mentor {n}") for n, user in enumerate(users)],
        batch_size=2000,
    )
    chosen = random.sample(keys, count)
    Mentorship.objects.bulk_create(
        [Mentorship(mentor=m, plan_id=pk) for m, (pk, _) in zip(mentors, chosen, strict=True)],
        batch_size=2000,
    )
