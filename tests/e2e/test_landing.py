import pytest

from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [375, 1280])
def test_the_landing_page_has_one_heading_and_no_accessibility_problems(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert "one small step" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_the_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_font_and_styles_come_from_this_site(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith(".woff2") for url in requested)
    assert all(url.startswith(live_server.url) for url in requested), requested
