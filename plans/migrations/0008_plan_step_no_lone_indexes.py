"""A plan's steps lose the indexes of plan_id alone and slug alone: every query
names the plan, and the (plan, slug) and (plan, week, order) indexes start
with it. Fewer indexes to write for each of a plan's 40 steps.

Django's own AlterField would drop the foreign key and add it back, which on
PostgreSQL checks every step while it holds a lock on plans and steps: so the
database drops only the indexes (by the names Django gave them, the same on
every database; IF EXISTS, as SQLite has no `_like` index) and the state
records the change."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "plans_planstep_plan_id_516902a8": "plan_id",
    "plans_planstep_slug_0e346c39": "slug",
}


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_claim_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *(
                    migrations.RunSQL(
                        f'DROP INDEX IF EXISTS "{name}"',
                        reverse_sql=f'CREATE INDEX "{name}" ON "plans_planstep" ("{column}")',
                    )
                    for name, column in INDEXES.items()
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "plans_planstep_slug_0e346c39_like"',
                    reverse_sql=migrations.RunSQL.noop,
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="planstep",
                    name="plan",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps",
                        to="plans.plan",
                    ),
                ),
                migrations.AlterField(
                    model_name="planstep",
                    name="slug",
                    field=models.SlugField(db_index=False, max_length=80),
                ),
            ],
        ),
    ]
