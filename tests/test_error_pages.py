"""Our own 400, 403, 404 and 500 pages, drawn with DEBUG off: the exit button,
the skip link, kind words, and nothing from the request."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

SECRET_PATH = "/p/private-looking-key-9f8e7d/"


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def assert_our_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    assert "Exit this page" in page
    assert f'data-quick-exit-to="{settings.QUICK_EXIT_URL}"' in page
    assert 'class="skip-link" href="#main"' in page
    assert "secret-detail" not in page
    return page


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/fail/400/", 400, "That did not work"),
        ("/fail/403/", 403, "This page is not open to you"),
        (SECRET_PATH, 404, "We could not find that page"),
        ("/fail/500/", 500, "Sorry, something went wrong on our side"),
    ],
)
def test_each_error_page_is_our_own_with_the_exit_button_and_nothing_from_the_request(
    client, url, status, heading
):
    page = assert_our_page(client.get(url), status, heading)
    assert "private-looking-key" not in page
    assert "Go to the start page" in page


def test_a_deleted_plan_link_shows_our_404_page(client):
    plan = make_plan()
    url = plan.get_absolute_url()
    plan.delete()
    page = assert_our_page(client.get(url), 404, "We could not find that page")
    assert plan.key not in page


def test_a_refused_form_explains_kindly_and_changes_nothing(client):
    csrf_client = Client(enforce_csrf_checks=True)
    plan = make_plan()
    slug = plan.steps.order_by("week", "order").first().slug
    response = csrf_client.post(reverse("plans:mark", args=[plan.key, slug]), {"status": "done"})
    page = assert_our_page(response, 403, "Please try that again")
    assert "Reload the page" in page
    assert plan.steps.get(slug=slug).status == "todo"


def test_a_refused_exit_still_leaves_for_the_neutral_site_but_ends_nothing():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("quick_exit"))
    assert response.status_code == 302
    assert response.url == settings.QUICK_EXIT_URL
