"""No page asks another website for anything: every request stays on our origin."""

import pytest

from tests.factories import AT_RISK_ANSWERS, finish_assessment, made_by, make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pages_to_visit(client) -> list[str]:
    plan = made_by(client, make_plan(AT_RISK_ANSWERS))  # this browser made it
    questions = [
        "devices",
        "confidence",
        "habits",
        "visibility",
        "worries",
        "time",
        "starting-point",
    ]
    return [
        "/",
        "/exit-this-page",
        *(f"/start/{slug}/" for slug in questions),
        "/people-like-you/",
        "/people-like-you/others/",
        plan.get_absolute_url(),
        f"/p/{plan.key}/delete/",
        "/plans/deleted/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


def test_every_page_loads_only_from_this_site(page, live_server, client):
    # The wizard pages after the first need earlier answers, and the plan's
    # delete page its maker: give the browser a finished assessment and the
    # plan through its own session cookie.
    page.goto("/")
    finish_assessment(client)
    pages = pages_to_visit(client)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.status < 400, path
        page.wait_for_load_state("networkidle")
    foreign = [url for url in requested if not url.startswith(live_server.url)]
    assert not foreign, foreign
    assert len(requested) > len(pages)  # styles, scripts and the font were seen
