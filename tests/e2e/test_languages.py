"""The language switcher, as a person uses it, with JavaScript on and off."""

import pytest

from plans.models import Plan
from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import as_maker, new_context
from tests.factories import make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("javascript", "width"), [(True, 1280), (False, 375)])
def test_switching_to_spanish_on_the_plan_page_stays_on_it(browser, live_server, javascript, width):
    plan = make_plan()
    context = new_context(browser, live_server, width=width, javascript=javascript)
    page = context.new_page()
    as_maker(page, live_server, plan)
    page.goto(plan.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "en-NZ"
    switcher = page.get_by_role("navigation", name="Language")
    current = switcher.locator("[aria-current]")
    assert current.inner_text() == "English"
    assert current.evaluate("el => el.tagName") == "SPAN"  # not a link or a button

    with page.expect_navigation():
        switcher.get_by_role("button", name="Español").click()
    assert page.url.endswith(plan.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("button", name="Salir de esta página").is_visible()
    switcher = page.get_by_role("navigation", name="Idioma")
    assert switcher.locator("[aria-current]").inner_text() == "Español"
    # The maker reads their plan in Spanish: its emails will be in Spanish too.
    assert Plan.objects.get(pk=plan.pk).language == "es"
    if javascript:  # axe runs in the page
        assert_accessible(page)

    with page.expect_navigation():
        switcher.get_by_role("button", name="English").click()
    assert page.url.endswith(plan.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "en-NZ"
    context.close()


def test_the_switcher_is_reached_by_keyboard_with_a_clear_focus(page):
    page.goto("/")
    button = page.get_by_role("button", name="Español")
    button.focus()
    assert page.evaluate("document.activeElement.textContent") == "Español"
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 191, 71)"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Más seguridad en internet, un pequeño paso a la vez"
    assert_accessible(page)
