"""allauth's forms with plain words, and one way in for everybody.

The sign-in page asks for an email address and sends a code. Someone new
gets an account when they ask, so nobody has to know whether they "have an
account", and the page looks the same either way.
"""

import time
from typing import Any

from allauth.account.forms import (
    ConfirmEmailVerificationCodeForm,
    ConfirmLoginCodeForm,
    LoginForm,
    SignupForm,
)
from allauth.mfa.webauthn.forms import AddWebAuthnForm, LoginWebAuthnForm
from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import user_get_or_create_for_code

CODE_HINT = gettext_lazy("It has 8 numbers, like 1234-5678.")
MAX_EMAIL_LENGTH = 254  # RFC 5321, and what the account's field holds
# Asking for a code answers after this long (seconds), for known and new addresses alike.
SIGN_IN_SECONDS = 0.25


class EmailMeACodeForm(LoginForm):
    user: User | None  # set by LoginForm.clean(), None when the address has no account

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("Your email address")
        field.help_text = _("We'll email you a code. No password needed.")
        field.error_messages["required"] = _("Please type your email address.")
        field.error_messages["invalid"] = _(
            "That does not look like an email address. It should look like name@example.com."
        )
        field.widget = forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        )

    def clean_login(self) -> str:
        login: str = super().clean_login()
        if len(login) > MAX_EMAIL_LENGTH:
            raise forms.ValidationError(
                _("That email address is too long. Please check it and type it again.")
            )
        return login

    def login(self, request: HttpRequest, redirect_url: str | None = None) -> HttpResponse:
        started = time.monotonic()
        if self.user is None:
            self.user = user_get_or_create_for_code(email=self.cleaned_data["login"])
        response = super().login(request, redirect_url=redirect_url)
        # Making an account takes a few milliseconds more than finding one: the
        # answer waits to a fixed time, so its speed does not tell whether an
        # address has an account here.
        time.sleep(max(0.0, SIGN_IN_SECONDS - (time.monotonic() - started)))
        return response


class _CodeFieldMixin(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = _("Your code")
        field.help_text = CODE_HINT
        field.error_messages["required"] = _("Please type the code from the email.")
        field.widget = forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        )


class EnterCodeForm(_CodeFieldMixin, ConfirmLoginCodeForm):
    pass


class EnterEmailCodeForm(_CodeFieldMixin, ConfirmEmailVerificationCodeForm):
    pass


class PasskeySignInForm(LoginWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without JavaScript the passkey button posts an empty form.
        self.fields["credential"].error_messages["required"] = _(
            "Passkeys need JavaScript, which is turned off in this browser. "
            "Please sign in with an emailed code instead."
        )


class MakeAccountForm(SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = _("Your email address")
        field.help_text = _("We'll email you a code. No password needed.")
        field.error_messages["required"] = _("Please type your email address.")
        field.widget = forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        )


class AddPasskeyForm(AddWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["name"]
        field.label = _("A name for this passkey")
        field.help_text = _('So you know which phone or computer it is, like "My phone".')
