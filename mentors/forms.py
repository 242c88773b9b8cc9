"""Form fields and their kind messages. The writes themselves are in services."""

from typing import Any

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy

from mentors.models import INVITE_MAX_USES, NUDGE_MAX_LENGTH
from mentors.selectors import NUDGE_CHOICES
from mentors.services import INVITE_DEFAULT_DAYS, INVITE_MAX_DAYS

OWN_WORDS = "own"


def _filled(text: str | Promise, values: dict[str, Any]) -> str:
    return str(text) % values


# A translated text with its numbers filled in, in the language of the page it is shown on.
filled_lazy = lazy(_filled, str)

DAYS_MESSAGE = filled_lazy(
    gettext_lazy("Choose a number of days from 1 to %(most)s."), {"most": INVITE_MAX_DAYS}
)
PEOPLE_MESSAGE = filled_lazy(
    gettext_lazy("Choose a number of people from 1 to %(most)s."), {"most": INVITE_MAX_USES}
)
CHOOSE_A_NOTE = gettext_lazy("Choose a note, or write your own.")


class MentorProfileForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Your name, as your friends and family know you"),
        max_length=60,
        error_messages={
            "required": gettext_lazy("Please add a name, so people know the invite is from you.")
        },
    )
    what_i_do = forms.CharField(
        label=gettext_lazy("What I do (optional)"),
        help_text=gettext_lazy("Your own setup, in your own words."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": gettext_lazy(
                    "For example: I use a different password for my email, "
                    "and my phone updates at night on its own."
                ),
            }
        ),
    )
    mistake_i_made = forms.CharField(
        label=gettext_lazy("A mistake I made (optional)"),
        help_text=gettext_lazy("It helps people to know it was hard for you too."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": gettext_lazy(
                    "For example: I used the same password everywhere for years. "
                    "It took me two goes to change it."
                ),
            }
        ),
    )


class InviteForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Who is this invite for?"),
        help_text=gettext_lazy("Only you see this. For example: Mum."),
        max_length=60,
        error_messages={
            "required": gettext_lazy("Please add a name for the invite, like Mum or Sam.")
        },
    )
    days = forms.IntegerField(
        label=gettext_lazy("How many days should the link work?"),
        help_text=filled_lazy(gettext_lazy("From 1 to %(most)s days."), {"most": INVITE_MAX_DAYS}),
        initial=INVITE_DEFAULT_DAYS,
        min_value=1,
        max_value=INVITE_MAX_DAYS,
        error_messages={
            "required": DAYS_MESSAGE,
            "invalid": DAYS_MESSAGE,
            "min_value": DAYS_MESSAGE,
            "max_value": DAYS_MESSAGE,
        },
    )
    max_uses = forms.IntegerField(
        label=gettext_lazy("How many people can use it?"),
        help_text=filled_lazy(gettext_lazy("From 1 to %(most)s."), {"most": INVITE_MAX_USES}),
        initial=1,
        min_value=1,
        max_value=INVITE_MAX_USES,
        error_messages={
            "required": PEOPLE_MESSAGE,
            "invalid": PEOPLE_MESSAGE,
            "min_value": PEOPLE_MESSAGE,
            "max_value": PEOPLE_MESSAGE,
        },
    )


class NudgeForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[*NUDGE_CHOICES.items(), (OWN_WORDS, gettext_lazy("Write my own note"))],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_A_NOTE, "invalid_choice": CHOOSE_A_NOTE},
    )
    own_words = forms.CharField(
        required=False,
        max_length=NUDGE_MAX_LENGTH,
        error_messages={
            "max_length": filled_lazy(
                gettext_lazy("Your note is a bit long. Please keep it under %(most)s letters."),
                {"most": NUDGE_MAX_LENGTH},
            )
        },
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        choice = cleaned.get("choice")
        if choice == OWN_WORDS:
            if not (cleaned.get("own_words") or "").strip():
                raise forms.ValidationError(
                    gettext_lazy("Write your note in the box, or choose one above.")
                )
            cleaned["message"] = cleaned["own_words"].strip()
        elif choice:
            # Kept as the words the helper saw, in the helper's language.
            cleaned["message"] = str(NUDGE_CHOICES[choice])
        return cleaned
