"""The exit endpoint: it ends this browser's visit and leaves for the neutral site."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_exit_ends_the_visit_and_sends_the_person_to_the_neutral_site(client):
    client.post(reverse("personas:question", args=["devices"]), {"answer": ["iphone"]})
    assert client.session.get("assessment")

    response = client.post(reverse("quick_exit"))

    assert response.status_code == 302
    assert response.url == settings.QUICK_EXIT_URL
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("personas:question", args=["devices"])).content.decode()
    assert " checked" not in page


def test_exit_signs_the_person_out(client, django_user_model):
    user = django_user_model.objects.create_user(email="ana@example.org")
    client.force_login(user)
    client.post(reverse("quick_exit"))
    assert "_auth_user_id" not in client.session


def test_exit_is_a_form_on_every_page_that_works_without_javascript(client):
    plan = make_plan()
    for url in ("/", reverse("quick_exit_help"), plan.get_absolute_url()):
        page = client.get(url).content.decode()
        assert f'action="{reverse("quick_exit")}"' in page, url
        assert 'name="csrfmiddlewaretoken"' in page
        assert f'data-quick-exit-to="{settings.QUICK_EXIT_URL}"' in page


def test_the_csp_lets_the_exit_form_reach_the_neutral_site(client):
    csp = client.get("/")["Content-Security-Policy"]
    assert "form-action 'self' https://www.metservice.com" in csp


def test_a_get_to_the_exit_changes_nothing(client):
    client.post(reverse("personas:question", args=["devices"]), {"answer": ["iphone"]})
    assert client.get(reverse("quick_exit")).status_code == 405
    assert client.session.get("assessment")


def test_the_next_question_replaces_the_history_entry_and_pushes_none(client):
    response = client.post(
        reverse("personas:question", args=["devices"]),
        {"answer": ["iphone"]},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Replace-Url"] == reverse("personas:question", args=["confidence"])
    assert "HX-Push-Url" not in response
    assert "hx-push-url" not in response.content.decode()
    assert 'hx-replace-url="true"' in response.content.decode()


def test_question_pages_are_kept_by_no_cache(client):
    response = client.get(reverse("personas:question", args=["devices"]))
    assert "no-store" in response["Cache-Control"]
