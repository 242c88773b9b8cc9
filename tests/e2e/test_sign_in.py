"""Signing in by emailed code in the real browser, with and without JavaScript."""

import re
import uuid

import pytest
from django.core import mail

from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE_IN_EMAIL = re.compile(r"\b(\d{4}-\d{4})\b")


@pytest.fixture(autouse=True)
def _own_rate_limit_counts(settings):
    # Every browser here comes from 127.0.0.1; a cache of this test's own
    # keeps allauth's per-address counts from adding up across tests.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"sign-in-{uuid.uuid4().hex}",
        }
    }


def latest_code() -> str:
    match = CODE_IN_EMAIL.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def ask_for_code(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/accounts/login/code/confirm/**")


@pytest.mark.parametrize("width", [375, 1280])
def test_someone_new_signs_in_with_an_emailed_code_and_every_page_is_accessible(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "Sign in"
    assert page.get_by_text("No password needed.").first.is_visible()
    assert_accessible(page)

    ask_for_code(page, f"new-{width}@example.org")
    assert page.locator("h1").inner_text() == "Check your email"
    assert page.get_by_text("We emailed a code to").is_visible()
    assert_accessible(page)

    assert len(mail.outbox) == 1
    page.get_by_label("Your code").fill(latest_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/plans/")
    assert page.locator("h1").inner_text() == "My plans"
    assert page.get_by_text("You are signed in.").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_a_wrong_code_is_explained_and_the_error_page_is_accessible(page):
    ask_for_code(page, "wrong-code@example.org")
    code = latest_code()
    page.get_by_label("Your code").fill("0000-0000" if code != "0000-0000" else "1111-1111")
    page.get_by_role("button", name="Sign in").click()
    field = page.get_by_label("Your code")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.get_by_text("That code did not work").is_visible()
    assert_accessible(page)
    field.fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/plans/")


def test_signing_in_and_out_works_without_javascript(page_without_js):
    page = page_without_js
    ask_for_code(page, "no-js@example.org")
    page.get_by_label("Your code").fill(latest_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/plans/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert page.get_by_text("You are signed out.").is_visible()
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_the_sign_up_and_sign_out_pages_are_accessible(page):
    page.goto("/accounts/signup/")
    assert page.locator("h1").inner_text() == "Make an account"
    assert_accessible(page)
    ask_for_code(page, "sign-out-page@example.org")
    page.get_by_label("Your code").fill(latest_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/plans/")
    page.goto("/accounts/logout/")
    assert page.locator("h1").inner_text() == "Sign out"
    assert_accessible(page)


@pytest.fixture
def virtual_passkey(page, settings):
    """Chromium's built-in virtual authenticator: a phone that says yes."""
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is plain http
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield authenticator
    cdp.send("WebAuthn.disable")


def test_someone_signed_in_can_add_a_passkey_and_sign_in_with_it_next_time(page, virtual_passkey):
    ask_for_code(page, "passkey@example.org")
    page.get_by_label("Your code").fill(latest_code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/plans/")

    page.goto("/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    page.get_by_role("button", name="Make a passkey").click()
    page.wait_for_url("**/accounts/2fa/")
    assert page.get_by_text("You have 1 passkey.").is_visible()
    assert page.get_by_text("Your passkey is ready.").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/$"))

    outbox_before = len(mail.outbox)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/plans/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert len(mail.outbox) == outbox_before  # no code needed
