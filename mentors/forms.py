"""Form fields and their kind messages. The writes themselves are in services."""

from typing import Any

from django import forms

from mentors.models import INVITE_MAX_USES, NUDGE_MAX_LENGTH
from mentors.selectors import NUDGE_CHOICES
from mentors.services import INVITE_DEFAULT_DAYS, INVITE_MAX_DAYS

OWN_WORDS = "own"


class MentorProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Your name, as your friends and family know you",
        max_length=60,
        error_messages={"required": "Please add a name, so people know the invite is from you."},
    )
    what_i_do = forms.CharField(
        label="What I do (optional)",
        help_text="Your own setup, in your own words.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "For example: I use a different password for my email, "
                "and my phone updates at night on its own.",
            }
        ),
    )
    mistake_i_made = forms.CharField(
        label="A mistake I made (optional)",
        help_text="It helps people to know it was hard for you too.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "For example: I used the same password everywhere for years. "
                "It took me two goes to change it.",
            }
        ),
    )


class InviteForm(forms.Form):
    label = forms.CharField(
        label="Who is this invite for?",
        help_text="Only you see this. For example: Mum.",
        max_length=60,
        error_messages={"required": "Please add a name for the invite, like Mum or Sam."},
    )
    days = forms.IntegerField(
        label="How many days should the link work?",
        help_text=f"From 1 to {INVITE_MAX_DAYS} days.",
        initial=INVITE_DEFAULT_DAYS,
        min_value=1,
        max_value=INVITE_MAX_DAYS,
        error_messages={
            "required": f"Choose a number of days from 1 to {INVITE_MAX_DAYS}.",
            "invalid": f"Choose a number of days from 1 to {INVITE_MAX_DAYS}.",
            "min_value": f"Choose a number of days from 1 to {INVITE_MAX_DAYS}.",
            "max_value": f"Choose a number of days from 1 to {INVITE_MAX_DAYS}.",
        },
    )
    max_uses = forms.IntegerField(
        label="How many people can use it?",
        help_text=f"From 1 to {INVITE_MAX_USES}.",
        initial=1,
        min_value=1,
        max_value=INVITE_MAX_USES,
        error_messages={
            "required": f"Choose a number of people from 1 to {INVITE_MAX_USES}.",
            "invalid": f"Choose a number of people from 1 to {INVITE_MAX_USES}.",
            "min_value": f"Choose a number of people from 1 to {INVITE_MAX_USES}.",
            "max_value": f"Choose a number of people from 1 to {INVITE_MAX_USES}.",
        },
    )


class NudgeForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[*NUDGE_CHOICES.items(), (OWN_WORDS, "Write my own note")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a note, or write your own.",
            "invalid_choice": "Choose a note, or write your own.",
        },
    )
    own_words = forms.CharField(
        required=False,
        max_length=NUDGE_MAX_LENGTH,
        error_messages={
            "max_length": f"Your note is a bit long. Please keep it under {NUDGE_MAX_LENGTH} "
            "letters."
        },
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        choice = cleaned.get("choice")
        if choice == OWN_WORDS:
            if not (cleaned.get("own_words") or "").strip():
                raise forms.ValidationError("Write your note in the box, or choose one above.")
            cleaned["message"] = cleaned["own_words"].strip()
        elif choice:
            cleaned["message"] = NUDGE_CHOICES[choice]
        return cleaned
