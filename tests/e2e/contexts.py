"""A browser context as a person's phone or computer: a width, JavaScript on or off."""

from typing import Any


def new_context(browser: Any, live_server: Any, *, width: int, javascript: bool = True) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context


def as_maker(page: Any, live_server: Any, plan: Any) -> None:
    """This browser made the plan (plans.makers): it may save, share and change it."""
    from django.conf import settings
    from django.test import Client

    from tests.factories import made_by

    client = Client()
    made_by(client, plan)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def printed_pdf(page: Any, button: str) -> tuple[str, bytes]:
    """Press the print button and read the PDF the browser gets back (type, bytes)."""
    printed = []

    def keep_a_copy(route: Any) -> None:  # the browser's own request, read on its way back
        answer = route.fetch()
        printed.append((answer.headers["content-type"], answer.body()))
        route.fulfill(response=answer)

    page.route("**/plan.pdf?*", keep_a_copy)
    page.get_by_role("button", name=button).click()
    for _ in range(200):  # up to 20 s for the PDF to be drawn
        if printed:
            break
        page.wait_for_timeout(100)
    assert printed, "no PDF came back"
    return printed[0]
