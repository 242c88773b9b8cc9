"""The country switch on the plan page, as a person uses it."""

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import as_maker
from tests.factories import AT_RISK_ANSWERS, make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_changing_the_country_changes_the_helpline_on_the_safety_plan_step(
    page, live_server, width
):
    plan = make_plan(AT_RISK_ANSWERS)
    as_maker(page, live_server, plan)  # the browser that made it
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(plan.get_absolute_url())
    this_week = page.locator(".this-week")
    assert "Women's Refuge on 0800 733 843" in this_week.inner_text()

    page.get_by_label("Country", exact=True).select_option(label="United Kingdom")
    page.get_by_role("button", name="Change country").click()
    page.get_by_text("Your steps now name the helplines for United Kingdom.").wait_for()
    text = page.locator(".this-week").inner_text()
    assert "the National Domestic Abuse Helpline on 0808 2000 247" in text
    assert "0800 733 843" not in text
    assert_accessible(page)
