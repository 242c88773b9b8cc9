"""Who runs the service, the privacy notice, the accessibility statement, the icon, passkeys."""

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import new_context
from tests.factories import make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_says_who_runs_it_and_how_to_reach_them(browser, live_server, settings, width):
    settings.SERVICE_OPERATOR = "Safer Together Trust"
    settings.CONTACT_EMAIL = "help@safer.example.org"
    plan = make_plan()
    context = new_context(browser, live_server, width=width)
    page = context.new_page()
    for path in ["/", "/start/devices/", f"/p/{plan.key}/", "/accounts/login/", "/exit-this-page"]:
        page.goto(path)
        footer = page.locator("footer")
        expect(footer).to_contain_text("Little Steps is run by Safer Together Trust")
        expect(footer.get_by_role("link", name="help@safer.example.org")).to_have_attribute(
            "href", "mailto:help@safer.example.org"
        )
        expect(footer.get_by_role("link", name="Privacy")).to_be_visible()
        expect(footer.get_by_role("link", name="Accessibility")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", ["Privacy", "Accessibility"])
def test_the_privacy_notice_and_the_accessibility_statement_read_well(
    browser, live_server, width, name
):
    context = new_context(browser, live_server, width=width)
    page = context.new_page()
    page.goto("/")
    page.locator("footer").get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.get_by_role("link", name="hello@localhost").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    context.close()


def test_the_accessibility_statement_says_what_was_tested_and_what_does_not_work():
    from django.test import Client

    text = Client().get("/accessibility/").content.decode()
    assert "375 pixels" in text and "1280 pixels" in text and "WCAG" in text
    assert "What we know does not work well yet" in text
    assert "Tell us about a problem" in text


def test_the_site_has_its_own_icon_and_asks_no_one_else_for_it(browser, live_server):
    context = new_context(browser, live_server, width=1280)
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href and href.endswith(".svg")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert all(url.startswith(live_server.url) for url in asked)
    assert not any(url.endswith("/favicon.ico") for url in asked)
    context.close()


def test_the_passkey_button_shows_only_where_it_can_work(browser, live_server):
    with_js = new_context(browser, live_server, width=375)
    page = with_js.new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    assert_accessible(page)
    with_js.close()
    without_js = new_context(browser, live_server, width=375, javascript=False)
    page = without_js.new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
    expect(page.get_by_role("button", name="Email me a code")).to_be_visible()
    without_js.close()
