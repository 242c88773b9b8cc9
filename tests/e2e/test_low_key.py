"""Low-key mode as a person sees it: the switch, in plain words, either way."""

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import as_maker
from tests.factories import AT_RISK_ANSWERS, make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_a_low_key_plan_says_so_and_can_be_switched_off_and_on(page, live_server, width):
    plan = make_plan(AT_RISK_ANSWERS)
    as_maker(page, live_server, plan)  # the browser that made it
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(plan.get_absolute_url())
    assert page.title() == "My weekly plan"
    assert page.locator("h1").inner_text() == "My weekly plan"
    assert_accessible(page)

    page.get_by_role("button", name="Turn low-key mode off").click()
    page.get_by_text("Low-key mode is off. Your plan shows every step by name.").wait_for()
    assert page.title() == "Your plan \N{EN DASH} Little Steps"
    assert_accessible(page)

    page.get_by_role("button", name="Turn low-key mode on").click()
    page.get_by_text("Low-key mode is on. Your plan now uses plain, neutral words.").wait_for()
    assert page.title() == "My weekly plan"
