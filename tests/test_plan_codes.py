"""Plan codes, 'Forget this device' and the private link: coming back to a plan
without a bookmark or an email, leaving nothing on the device."""

import math

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from plans import codes
from plans.lowkey import has_discreet_words
from plans.models import Plan
from tests.factories import (
    ANSWERS,
    AT_RISK_ANSWERS,
    build_plan_in,
    finish_assessment,
    made_by,
    make_plan,
)

pytestmark = pytest.mark.django_db

DEVICE_NOT_SAFE = {**ANSWERS, "safe_device": False}


def browser(address: str = "10.1.2.3") -> Client:
    return Client(REMOTE_ADDR=address)


def get_code(client: Client, plan: Plan) -> str:
    """Code words, asked for by the plan's maker (a link alone is not enough)."""
    response = made_by(client, plan) and client.post(reverse("plans:code_new", args=[plan.key]))
    assert response.status_code == 200
    return response.context["code"]


def test_the_code_words_are_many_plain_and_give_over_45_bits():
    words = codes.words()
    assert len(set(words)) == len(words) >= 600
    assert all(w.isalpha() and w.islower() and 3 <= len(w) <= 11 for w in words)
    assert not [w for w in words if has_discreet_words(w)]
    assert codes.entropy_bits() == pytest.approx(5 * math.log2(len(words)))
    assert codes.entropy_bits() > 45


@pytest.mark.parametrize("answers", [AT_RISK_ANSWERS, DEVICE_NOT_SAFE])
def test_when_device_or_email_is_not_safe_the_plan_page_suggests_no_bookmark_or_email(answers):
    client = browser()
    finish = make_plan(answers)
    page = client.get(finish.get_absolute_url()).content.decode()
    assert "Save my plan" not in page
    assert "bookmark it" not in page
    assert "Get a plan code" in page
    assert "Forget this device" in page


def test_a_plan_made_when_email_is_not_safe_says_to_get_a_code_not_to_bookmark(client):
    finish_assessment(client, AT_RISK_ANSWERS)
    response = client.post(reverse("plans:create"), follow=True)
    page = response.content.decode()
    assert "get a plan code below" in page
    assert "bookmark it" not in page


def test_a_plan_where_both_are_safe_still_offers_to_save_with_email(client):
    # To the browser that made it: only its maker can save it (plans.makers).
    page = client.get(build_plan_in(client).get_absolute_url()).content.decode()
    assert "Save my plan" in page


def test_the_code_is_shown_once_and_stored_only_as_a_keyed_hash(client):
    plan = make_plan(AT_RISK_ANSWERS)
    code = get_code(client, plan)
    assert len(code.split()) == 5
    plan.refresh_from_db()
    assert plan.code_digest == codes.code_digest(code)
    assert code not in plan.code_digest
    assert "no-store" in client.post(reverse("plans:code_new", args=[plan.key]))["Cache-Control"]


def test_the_code_opens_the_plan_from_another_browser_even_with_the_link_off():
    plan = make_plan(AT_RISK_ANSWERS)
    phone = browser("10.0.0.1")
    code = get_code(phone, plan)
    phone.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "off"})
    plan.refresh_from_db()
    assert not plan.link_enabled

    library = browser("10.0.0.2")
    assert library.get(plan.get_absolute_url()).status_code == 404
    response = library.post(reverse("plans:code_enter"), {"code": f"  {code.upper()}  "})
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert library.get(plan.get_absolute_url()).status_code == 200


def test_wrong_words_get_a_kind_message_and_open_nothing():
    plan = make_plan(AT_RISK_ANSWERS)
    plan.link_enabled = False
    plan.save()
    client = browser()
    response = client.post(reverse("plans:code_enter"), {"code": "apple river candle otter sunny"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Those words did not open a plan" in page
    assert "9 more times" in page
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_the_eleventh_try_in_fifteen_minutes_is_refused_even_with_the_right_words():
    plan = make_plan(AT_RISK_ANSWERS)
    code = get_code(browser("10.9.9.1"), plan)
    guesser = browser("10.9.9.9")
    for _ in range(codes.MAX_TRIES):
        assert guesser.post(reverse("plans:code_enter"), {"code": "x y z a b"}).status_code == 400
    response = guesser.post(reverse("plans:code_enter"), {"code": code})
    assert response.status_code == 429
    assert "paused them for a few minutes" in response.content.decode()
    # Another address is not held up.
    assert browser("10.9.9.2").post(reverse("plans:code_enter"), {"code": code}).status_code == 302


def test_without_a_cache_to_count_tries_no_try_is_allowed(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    cache.close()
    plan = make_plan(AT_RISK_ANSWERS)
    code = get_code(browser(), plan)
    response = browser("10.3.3.3").post(reverse("plans:code_enter"), {"code": code})
    assert response.status_code == 429


def test_new_words_stop_the_old_ones():
    plan = make_plan(AT_RISK_ANSWERS)
    phone = browser()
    old = get_code(phone, plan)
    new = get_code(phone, plan)
    assert old != new
    other = browser("10.4.4.4")
    assert other.post(reverse("plans:code_enter"), {"code": old}).status_code == 400
    assert other.post(reverse("plans:code_enter"), {"code": new}).status_code == 302


def test_forget_this_device_ends_the_visit_so_the_plan_no_longer_opens():
    plan = make_plan(AT_RISK_ANSWERS)
    client = browser()
    get_code(client, plan)
    client.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "off"})
    assert client.get(plan.get_absolute_url()).status_code == 200

    response = client.post(reverse("plans:forget_device"))
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert "This browser has forgotten your plan" in response.content.decode()
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_without_a_code_an_anonymous_plan_cannot_turn_its_link_off(client):
    plan = make_plan(AT_RISK_ANSWERS)
    response = client.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "off"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.link_enabled


def test_a_new_private_link_replaces_the_old_one(client):
    plan = made_by(client, make_plan(AT_RISK_ANSWERS))
    old_url = plan.get_absolute_url()
    response = client.post(reverse("plans:new_link", args=[plan.key]), follow=True)
    plan.refresh_from_db()
    assert plan.get_absolute_url() != old_url
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "The old one does not work any more" in response.content.decode()
    assert client.get(old_url).status_code == 404


def test_a_saved_plan_gets_no_new_link_from_someone_else(client, django_user_model):
    owner = django_user_model.objects.create_user(email="o@example.org")
    plan = make_plan(AT_RISK_ANSWERS, owner=owner)
    assert client.post(reverse("plans:new_link", args=[plan.key])).status_code == 404
    assert Plan.objects.get(pk=plan.pk).key == plan.key


def test_a_new_private_link_also_ends_the_plan_code_but_keeps_this_browser_in():
    plan = make_plan(AT_RISK_ANSWERS)
    phone = browser()
    code = get_code(phone, plan)
    response = phone.post(reverse("plans:new_link", args=[plan.key]), follow=True)
    assert "Your plan code stopped working too" in response.content.decode()
    plan.refresh_from_db()
    assert plan.code_digest is None
    assert phone.get(plan.get_absolute_url()).status_code == 200
    other = browser("10.5.5.5")
    assert other.post(reverse("plans:code_enter"), {"code": code}).status_code == 400


def test_someone_with_the_link_to_a_saved_plan_cannot_make_a_code_or_change_its_settings(
    client, django_user_model
):
    owner = django_user_model.objects.create_user(email="o2@example.org")
    plan = make_plan(AT_RISK_ANSWERS, owner=owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Get a plan code" not in page
    assert "Turn low-key mode off" not in page
    for name, data in [
        ("plans:code_new", {}),
        ("plans:set_low_key", {"low_key": "off"}),
        ("plans:set_region", {"region": "us"}),
    ]:
        assert client.post(reverse(name, args=[plan.key]), data).status_code == 404
    plan.refresh_from_db()
    assert (plan.code_digest, plan.low_key, plan.region) == (None, True, "nz")


def test_someone_who_only_saw_the_link_cannot_make_a_code_or_a_new_link(client):
    plan = make_plan(AT_RISK_ANSWERS)
    finder = browser("10.7.7.7")
    assert finder.get(plan.get_absolute_url()).status_code == 200  # following it is fine
    assert finder.post(reverse("plans:code_new", args=[plan.key])).status_code == 404
    assert finder.post(reverse("plans:new_link", args=[plan.key])).status_code == 404
    assert (
        finder.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "off"}).status_code
        == 404
    )
    assert (
        finder.post(reverse("plans:delete", args=[plan.key]), {"confirm": "yes"}).status_code == 404
    )
    plan.refresh_from_db()
    assert plan.code_digest is None and plan.link_enabled
    assert Plan.objects.filter(pk=plan.pk).exists()
