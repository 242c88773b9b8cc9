import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def step_indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "plans_planstep")
    return {name: c for name, c in constraints.items() if c["index"] or c["unique"]}


def test_a_plans_steps_are_found_by_indexes_that_start_with_the_plan():
    columns = sorted(tuple(c["columns"]) for c in step_indexes().values())

    assert ("plan_id", "slug") in columns
    assert ("plan_id", "week", "order") in columns
    # Nothing looks steps up by slug or plan alone: no index of either to write.
    assert ("slug",) not in columns
    assert ("plan_id",) not in columns
