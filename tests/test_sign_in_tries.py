"""Typing the emailed code: room for mistakes, a lock-out that says when, one message after.

And the words of the sign-in pages and of "Become a helper" keep to CONTENT.md's voice.
"""

import html
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from plans.content_rules import MAX_GRADE, SHAME_WORDS, grade
from tests.test_accounts import (
    CODE_URL,
    LOGIN_URL,
    ask_for_code,
    code_from,
    make_user,
    new_email,
    signed_in_user,
    visitor,
)

pytestmark = pytest.mark.django_db

ASK_AGAIN_URL = "/accounts/login/code/"
BANNER = re.compile(r'<p class="message message--[a-z]+">(.*?)</p>', re.S)


@pytest.fixture
def client() -> Client:
    return visitor()


def wrong_codes(right: str, count: int) -> list[str]:
    codes = [f"0000-{n:04d}" for n in range(1, count + 2)]
    return [code for code in codes if code != right][:count]


def sign_in_as_a_browser_does(client: Client, email: str, next_url: str = "") -> str:
    """Ask for a code, see the code page (with its "We emailed a code" message),
    type the code: the page the browser lands on."""
    response = ask_for_code(client, email, next_url)
    assert "We emailed a code" in client.get(response.url).content.decode()
    response = client.post(response.url, {"code": code_from(mail.outbox[-1])}, follow=True)
    return response.content.decode()


def banners(page: str) -> list[str]:
    return [html.unescape(text).strip() for text in BANNER.findall(page)]


def visible_text(page: str) -> str:
    """The words of the page's main part, as a person reads them."""
    main = page[page.index("<main") : page.index("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))).strip()


# --- Tries ---------------------------------------------------------------------


def test_four_wrong_codes_each_get_a_kind_message_and_the_right_one_still_works(client):
    ask_for_code(client, new_email())
    code = code_from(mail.outbox[-1])
    for wrong in wrong_codes(code, 4):
        response = client.post(CODE_URL, {"code": wrong})
        assert response.status_code == 200
        assert "That code did not work. Please check the newest email" in response.content.decode()
    client.post(CODE_URL, {"code": code})
    assert signed_in_user(client) is not None


def test_the_fifth_wrong_code_stops_it_and_says_a_new_code_can_be_asked_for_now(client):
    ask_for_code(client, new_email())
    code = code_from(mail.outbox[-1])
    for wrong in wrong_codes(code, 5):
        response = client.post(CODE_URL, {"code": wrong})
    assert response.status_code == 302
    assert response.url == ASK_AGAIN_URL
    page = client.get(response.url).content.decode()
    assert banners(page) == [
        "That was 5 codes that did not work, so we stopped that code to keep your account "
        "safe. You can ask for a new code now."
    ]
    assert "<h1>Ask for a new code</h1>" in page
    assert "A code works for 10 minutes. It also stops after 5 tries" in page
    assert "Email me a code" in page
    # The stopped code works no more, even typed right.
    client.post(CODE_URL, {"code": code})
    assert signed_in_user(client) is None
    # And a new code can be asked for at once, and works.
    response = client.post(LOGIN_URL, {"login": mail.outbox[-1].to[0]})
    assert response.status_code == 302
    client.post(response.url, {"code": code_from(mail.outbox[-1])})
    assert signed_in_user(client) is not None


def test_an_empty_box_is_not_a_try(client):
    ask_for_code(client, new_email())
    code = code_from(mail.outbox[-1])
    for wrong in wrong_codes(code, 4):
        client.post(CODE_URL, {"code": wrong})
    for empty in ["", " ", "", "   ", "", ""]:
        response = client.post(CODE_URL, {"code": empty})
        assert response.status_code == 200
        assert "Please type the code from the email." in response.content.decode()
    client.post(CODE_URL, {"code": code})
    assert signed_in_user(client) is not None


def test_asking_for_codes_too_often_names_the_wait(client):
    email = new_email()
    for _ in range(3):  # allauth's default: 3 a minute for one address
        assert ask_for_code(visitor(), email).status_code == 302
    page = ask_for_code(client, email).content.decode()
    assert "Please wait 1 minute, then ask for a new code." in page
    assert len(mail.outbox) == 3


def test_the_wait_named_follows_the_rate_limit_setting(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "20/m/ip,2/5m/key"}
    email = new_email()
    for _ in range(2):
        assert ask_for_code(visitor(), email).status_code == 302
    page = ask_for_code(client, email).content.decode()
    assert "Please wait 5 minutes, then ask for a new code." in page


def test_the_pages_name_the_minutes_and_tries_the_settings_give():
    # The templates write the numbers out: they must be the settings' own.
    assert settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT == 10 * 60
    assert settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS == 5
    assert settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS == 5
    client = visitor()
    ask_for_code(client, new_email())
    assert "The code works for 10 minutes." in client.get(CODE_URL).content.decode()


# --- One message after signing in ----------------------------------------------------


def test_someone_new_sees_one_message_after_signing_in(client):
    page = sign_in_as_a_browser_does(client, new_email())
    assert "<h1>My plans</h1>" in page
    assert banners(page) == ["You are signed in."]


def test_someone_known_sees_one_message_after_signing_in(client):
    page = sign_in_as_a_browser_does(client, make_user().email)
    assert banners(page) == ["You are signed in."]


def test_a_new_address_checked_while_signed_in_still_says_so(client):
    # The same message file, when it is not part of signing in.
    from django.template.loader import render_to_string

    client.force_login(make_user())
    request = client.get("/").wsgi_request
    assert render_to_string("account/messages/email_confirmed.txt", {}, request).strip() == (
        "Thank you. Your email address is checked."
    )


def test_signing_in_to_become_a_helper_shows_one_message_and_the_first_step(client):
    become = client.get(reverse("mentors:become")).content.decode()
    sign_in_url = html.unescape(re.search(r'href="([^"]*next=[^"]*)"', become).group(1))
    assert sign_in_url == f"{LOGIN_URL}?next=%2Fmentor%2F"
    page = sign_in_as_a_browser_does(client, new_email(), next_url="/mentor/")
    assert "<h1>About you</h1>" in page
    assert banners(page) == ["You are signed in."]
    assert "First, tell people a little about you." in page


# --- Become a helper -----------------------------------------------------------------------


def test_become_a_helper_says_what_a_helper_does_before_any_sign_in(client):
    landing = client.get("/").content.decode()
    assert f'href="{reverse("mentors:become")}">Become a helper</a>' in landing
    response = client.get(reverse("mentors:become"))
    assert response.status_code == 200
    page = response.content.decode()
    text = visible_text(page)
    for heading in ("What a helper does", "What you can and cannot see", "It is free"):
        assert heading in text
    assert "You never see their answers, their worries or their email address." in text
    assert text.index("It is free") < text.index("Sign in or make an account")
    assert 'name="login"' not in page  # the sign-in form is the next page, not this one


def test_become_a_helper_offers_a_signed_in_person_the_way_on(client):
    client.force_login(make_user())
    page = client.get(reverse("mentors:become")).content.decode()
    assert f'href="{reverse("mentors:dashboard")}">Start helping</a>' in page
    assert "Sign in or make an account" not in page


# --- Words --------------------------------------------------------------------------------


def _pages_to_read() -> dict[str, str]:
    client = visitor()
    pages = {
        "sign in": client.get(LOGIN_URL),
        "make an account": client.get("/accounts/signup/"),
        "become a helper": client.get(reverse("mentors:become")),
    }
    pages["ask for a new code"] = client.get(ASK_AGAIN_URL)
    ask_for_code(client, new_email())
    pages["type your code"] = client.get(CODE_URL)
    return {name: response.content.decode() for name, response in pages.items()}


def test_the_sign_in_and_helper_pages_keep_to_the_voice_and_plain_words():
    shame = re.compile(r"\b(" + "|".join(map(re.escape, SHAME_WORDS)) + r")\b", re.I)
    for name, page in _pages_to_read().items():
        text = visible_text(page)
        assert len(text) > 100, name
        found = shame.findall(text)
        assert not found, f"{name}: {found}"
        assert "just the same" not in text.lower(), name
        assert grade(text) <= MAX_GRADE, f"{name} reads at grade {grade(text):.1f}"
