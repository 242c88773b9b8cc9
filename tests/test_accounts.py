"""Signing in with an emailed code, signing out, and saving a plan to an account."""

import datetime
import random
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import users_delete_unconfirmed
from personas.catalogue import get_catalogue as persona_catalogue
from personas.profile import profile_from_answers
from plans import services as plan_services
from plans.models import Plan
from tests.factories import build_plan_in

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
CODE_URL = "/accounts/login/code/confirm/"
CODE_IN_EMAIL = re.compile(r"\b(\d{4}-\d{4})\b")
ANSWERS = {
    "devices": ["android"],
    "capability": 2,
    "habits": [],
    "visibility": "private",
    "adversaries": ["scammers"],
    "minutes_per_week": 20,
    "group": "knows",
}


def visitor() -> Client:
    """A browser from its own address, so allauth's per-address limits,
    counted in the shared cache, never mix one test's requests with another's."""
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    return Client(REMOTE_ADDR=address)


@pytest.fixture
def client() -> Client:
    return visitor()


def new_email() -> str:
    return f"person-{random.getrandbits(48):x}@example.org"


def make_user(email: str | None = None) -> User:
    """Someone who signed up before: password-less, with a verified address."""
    email = email or new_email()
    user = User.objects.create_user(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def make_plan() -> Plan:
    persona = next(iter(persona_catalogue().personas))
    return plan_services.plan_create(profile=profile_from_answers(ANSWERS), persona=persona)


def code_from(message: mail.EmailMessage) -> str:
    match = CODE_IN_EMAIL.search(message.body)
    assert match, message.body
    return match.group(1)


def ask_for_code(client: Client, email: str, next_url: str = ""):
    data = {"login": email}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN_URL, data)


def sign_in(client: Client, email: str, next_url: str = ""):
    """The whole way in: ask for a code, read it in the email, type it."""
    outbox_before = len(mail.outbox)
    response = ask_for_code(client, email, next_url)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mail.outbox) == outbox_before + 1
    return client.post(response.url, {"code": code_from(mail.outbox[-1])})


def without_tokens(page: str, email: str) -> str:
    """A page with its CSRF tokens (different on every page) and the address blanked."""
    page = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1TOKEN", page)
    return page.replace(email, "ADDRESS")


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# --- The sign-in page --------------------------------------------------------


def test_the_sign_in_page_leads_with_email_me_a_code_and_asks_for_no_password(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Sign in</h1>" in page
    assert "No password needed." in page
    assert page.index("Email me a code") < page.index("Sign in with a passkey")
    assert 'type="password"' not in page
    assert 'name="password"' not in page
    assert 'autocomplete="email"' in page


def test_the_sign_in_page_is_inside_the_sites_own_page(client):
    page = client.get(LOGIN_URL).content.decode()
    assert "<title>Sign in \N{EN DASH} Little Steps</title>" in page
    assert "Skip to main content" in page
    assert "Exit this page" in page
    assert "static/css/site.css" in page


# --- Asking for a code and typing it -------------------------------------------


def test_asking_for_a_code_sends_one_email_with_the_code(client):
    email = new_email()
    response = ask_for_code(client, email)
    assert response.status_code == 302
    assert response.url.startswith(CODE_URL)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject == "Your sign-in code"
    assert CODE_IN_EMAIL.search(message.body)
    # Not in the subject: a phone's lock screen shows subjects to anyone nearby.
    assert not CODE_IN_EMAIL.search(message.subject)


def test_the_code_page_says_where_the_code_went_in_plain_words(client):
    email = new_email()
    response = ask_for_code(client, email)
    page = client.get(response.url).content.decode()
    assert "Check your email" in page
    assert email in page
    assert "works for 10 minutes" in page
    assert 'autocomplete="one-time-code"' in page
    assert "Send me a new code" in page
    assert "spam" in page


def test_the_right_code_makes_an_account_for_a_new_address_with_no_password(client):
    email = new_email()
    response = sign_in(client, email)
    assert response.status_code == 302
    user = User.objects.get(email=email)
    assert signed_in_user(client) == user
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified


def test_the_right_code_signs_in_someone_who_already_has_an_account(client):
    user = make_user()
    sign_in(client, user.email)
    assert signed_in_user(client) == user
    assert User.objects.filter(email=user.email).count() == 1


def test_capital_letters_in_the_address_reach_the_same_account(client):
    user = make_user()
    sign_in(client, user.email.upper())
    assert signed_in_user(client) == user


def test_signing_in_opens_my_plans(client):
    response = sign_in(client, new_email())
    assert response.status_code == 302
    assert response.url == reverse("plans:mine") == "/plans/"
    page = client.get(response.url).content.decode()
    assert "My plans" in page
    assert "You are signed in." in page


def test_a_new_address_and_a_known_one_see_the_same_pages(client):
    """Nobody can use this page to find out whether someone has an account."""
    known = make_user()
    unknown = new_email()
    first, second = visitor(), visitor()
    known_page = first.get(ask_for_code(first, known.email).url).content.decode()
    unknown_page = second.get(ask_for_code(second, unknown).url).content.decode()
    assert without_tokens(known_page, known.email) == without_tokens(unknown_page, unknown)
    assert [m.subject for m in mail.outbox] == ["Your sign-in code"] * 2


def test_a_wrong_code_shows_a_kind_error_and_does_not_sign_in(client):
    response = ask_for_code(client, new_email())
    code = code_from(mail.outbox[0])
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    response = client.post(response.url, {"code": wrong})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That code did not work" in page
    assert 'aria-invalid="true"' in page
    assert signed_in_user(client) is None


def test_an_empty_code_asks_for_the_code_from_the_email(client):
    response = ask_for_code(client, new_email())
    page = client.post(response.url, {"code": ""}).content.decode()
    assert "Please type the code from the email." in page
    assert signed_in_user(client) is None


def test_five_wrong_codes_end_that_code_so_it_cannot_be_guessed(client):
    response = ask_for_code(client, new_email())
    code_url = response.url
    code = code_from(mail.outbox[0])
    for wrong in ("0000-0001", "0000-0002", "0000-0003", "0000-0004", "0000-0005"):
        response = client.post(code_url, {"code": wrong})
    assert response.status_code == 302
    # Even the right code no longer works: the person asks for a new one.
    response = client.post(code_url, {"code": code}, follow=True)
    assert signed_in_user(client) is None
    assert "Email me a code" in response.content.decode()


def test_the_code_can_be_typed_without_the_dash(client):
    response = ask_for_code(client, new_email())
    client.post(response.url, {"code": code_from(mail.outbox[0]).replace("-", "")})
    assert signed_in_user(client) is not None


def test_asking_for_a_new_code_sends_another_email(client):
    response = ask_for_code(client, new_email())
    client.post(response.url, {"action": "resend"})
    assert len(mail.outbox) == 2
    # The newest code is the one that works.
    client.post(response.url, {"code": code_from(mail.outbox[1])})
    assert signed_in_user(client) is not None


def test_a_badly_typed_address_gets_a_plain_error(client):
    response = client.post(LOGIN_URL, {"login": "not an address"})
    assert response.status_code == 200
    assert "It should look like name@example.com." in response.content.decode()
    assert not mail.outbox
    assert not User.objects.exists()


# --- Rate limits -----------------------------------------------------------------


def test_allauths_rate_limits_are_on():
    from allauth.account import app_settings

    assert getattr(settings, "ACCOUNT_RATE_LIMITS", {}) is not False
    limits = app_settings.RATE_LIMITS
    for action in ("login", "login_failed", "request_login_code", "confirm_email", "signup"):
        assert limits.get(action), f"no rate limit for {action}"


def test_many_code_requests_for_one_address_are_stopped_kindly(client):
    email = new_email()
    for _ in range(3):
        assert ask_for_code(visitor(), email).status_code == 302
    response = ask_for_code(client, email)
    assert response.status_code == 200
    assert "Please wait 1 minute" in response.content.decode()
    assert len(mail.outbox) == 3


def test_many_code_requests_from_one_place_are_stopped(client):
    place = visitor().defaults["REMOTE_ADDR"]
    sent = 0
    for _ in range(25):
        # A fresh browser each time: a browser waiting for a code is sent
        # back to the code page instead.
        response = ask_for_code(Client(REMOTE_ADDR=place), new_email())
        if response.status_code != 302:
            break
        sent += 1
    assert sent == 20
    assert "Please wait 1 minute" in response.content.decode()
    assert len(mail.outbox) == sent


# --- Signing out -------------------------------------------------------------------


def test_signing_out_needs_a_form_post(client):
    sign_in(client, new_email())
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "Do you want to sign out?" in response.content.decode()
    assert signed_in_user(client) is not None
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user(client) is None


def test_the_header_shows_sign_in_or_a_sign_out_button_and_my_plans(client):
    page = client.get("/").content.decode()
    assert f'href="{LOGIN_URL}"' in page
    assert "My plans" not in page
    sign_in(client, new_email())
    page = client.get("/").content.decode()
    assert 'href="/plans/">My plans</a>' in page
    assert re.search(r'<form method="post" action="/accounts/logout/">\s*<input', page)
    assert ">Sign out</button>" in page


# --- Making an account on the sign-up page -------------------------------------------


def test_the_sign_up_page_makes_a_password_less_account_checked_by_code(client):
    email = new_email()
    page = client.get("/accounts/signup/").content.decode()
    assert 'type="password"' not in page
    response = client.post("/accounts/signup/", {"email": email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    client.post(response.url, {"code": code_from(mail.outbox[0])})
    user = User.objects.get(email=email)
    assert signed_in_user(client) == user
    assert not user.has_usable_password()


def test_the_sign_up_page_does_not_say_whether_an_address_has_an_account(client):
    user = make_user()
    response = client.post("/accounts/signup/", {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox[0].subject == "You already have an account"
    assert "/accounts/login/" in mail.outbox[0].body
    assert User.objects.filter(email=user.email).count() == 1


# --- Passkeys ---------------------------------------------------------------------------


def test_passkeys_are_offered_as_a_way_in():
    from allauth.mfa import app_settings

    assert "webauthn" in app_settings.SUPPORTED_TYPES
    assert app_settings.PASSKEY_LOGIN_ENABLED


def test_a_passkey_never_becomes_a_second_lock_on_the_emailed_code(client):
    user = make_user()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"credential": {}, "passwordless": True}
    )
    response = sign_in(client, user.email)
    assert response.url == "/plans/"
    assert signed_in_user(client) == user


def test_the_passkey_button_without_javascript_explains_kindly(client):
    response = client.post("/accounts/2fa/webauthn/login/", {}, follow=True)
    page = response.content.decode()
    assert "Passkeys need JavaScript" in page
    assert signed_in_user(client) is None


def test_the_passkeys_page_explains_them_in_plain_words(client):
    sign_in(client, new_email())
    page = client.get("/accounts/2fa/").content.decode()
    assert "<h1>Passkeys</h1>" in page
    assert "The emailed code always works too." in page
    page = client.get("/accounts/2fa/webauthn/add/").content.decode()
    assert "Make a passkey" in page
    assert "Passkeys need JavaScript" in page  # in <noscript>


# --- Saving a plan to an account --------------------------------------------------------


def test_saving_a_plan_while_signed_out_leads_to_sign_in_and_back_to_the_plan(client):
    plan = build_plan_in(client)
    response = client.post(f"/p/{plan.key}/save/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fp%2F{plan.key}%2F%3Fsaving%3D1"
    page = client.get(response.url).content.decode()
    assert f'name="next" value="/p/{plan.key}/?saving=1"' in page
    plan.refresh_from_db()
    assert plan.owner is None
    # Signed in, the plan page offers the Save button first; saving is a post.
    sign_in(client, new_email(), next_url=f"/p/{plan.key}/?saving=1")
    back = client.get(f"/p/{plan.key}/?saving=1").content.decode()
    assert "Save this plan to your account?" in back
    plan.refresh_from_db()
    assert plan.owner is None


def test_after_signing_in_saving_attaches_the_plan_and_my_plans_lists_it(client):
    plan = build_plan_in(client)
    response = client.post(f"/p/{plan.key}/save/")
    response = sign_in(client, new_email(), next_url=f"/p/{plan.key}/")
    assert response.status_code == 302
    assert response.url == f"/p/{plan.key}/"
    response = client.post(f"/p/{plan.key}/save/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.owner == signed_in_user(client)
    assert plan.get_absolute_url() in client.get("/plans/").content.decode()


def test_another_person_cannot_take_over_a_saved_plan(client):
    plan = build_plan_in(client)
    owner = make_user()
    sign_in(client, owner.email)
    client.post(f"/p/{plan.key}/save/")
    other = visitor()
    sign_in(other, new_email())
    response = other.post(f"/p/{plan.key}/save/", follow=True)
    plan.refresh_from_db()
    assert plan.owner == owner
    assert "saved to another account" in response.content.decode()
    assert plan.get_absolute_url() not in other.get("/plans/").content.decode()
    assert plan.get_absolute_url() in client.get("/plans/").content.decode()


def test_my_plans_needs_signing_in(client):
    response = client.get("/plans/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/plans/"


# --- Tidying up ---------------------------------------------------------------------------


def test_accounts_asked_for_but_never_signed_in_to_are_removed_after_a_day(client):
    ask_for_code(client, "typo@example.org")
    used = make_user()
    sign_in(visitor(), used.email)
    staff = User.objects.create_user(email="staff@example.org", is_staff=True)
    day_old = timezone.now() - datetime.timedelta(hours=25)
    User.objects.update(date_joined=day_old)
    fresh = User.objects.create_user(email="fresh@example.org")

    assert users_delete_unconfirmed(older_than=datetime.timedelta(hours=24)) == 1
    assert not User.objects.filter(email="typo@example.org").exists()
    assert set(User.objects.all()) == {used, staff, fresh}
