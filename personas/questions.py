"""The assessment: one question a screen, in plain words.

Each question fills one key of the answers format (personas/profile.py).
Nothing here asks for anything that identifies the person. The words are
in the active language: views.questions() builds them once per language.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from personas.catalogue import PersonaCatalogue
from personas.languages import SOURCE_LANGUAGE
from personas.profile import CLOSE_ADVERSARIES

NOT_SURE = "not_sure"
NONE = "none"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""
    # "en" for a label still in English on a page in another language.
    lang: str = ""


@dataclass(frozen=True)
class Question:
    slug: str
    key: str
    title: str
    hint: str
    multiple: bool
    choices: tuple[Choice, ...]
    only_when_someone_close: bool = False

    def applies(self, answers: Mapping[str, Any]) -> bool:
        if not self.only_when_someone_close:
            return True
        return bool(CLOSE_ADVERSARIES & set(answers.get("adversaries", ())))

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def parse(self, submitted: list[str]) -> Any:
        """Turn the posted values into the answer, or raise ValueError with a kind message."""
        if self.multiple:
            return self._parse_many(submitted)
        if len(submitted) != 1 or submitted[0] not in self.values:
            raise ValueError(_("Choose one answer to go on."))
        return _convert(self.key, submitted[0])

    def _parse_many(self, submitted: list[str]) -> list[str]:
        if not submitted:
            raise ValueError(_("Tick at least one box. If none fit, tick the last one."))
        if any(value not in self.values for value in submitted) or len(set(submitted)) != len(
            submitted
        ):
            raise ValueError(
                _("Something went wrong with that answer. Please tick the boxes again.")
            )
        exclusive = {NOT_SURE, NONE} & set(submitted)
        if exclusive and len(submitted) > 1:
            raise ValueError(_("You ticked 'not sure' with other boxes. Choose one or the other."))
        return [value for value in self.values if value in submitted and value not in exclusive]

    def shown_value(self, answers: Mapping[str, Any]) -> list[str]:
        """The answer as the form's ticked values, so Back keeps what was chosen."""
        if self.key not in answers:
            return []
        value = answers[self.key]
        if self.multiple:
            if not value:
                return [self.choices[-1].value]
            return list(value)
        if isinstance(value, bool):
            return ["yes" if value else "no"]
        return [str(value)]


def _convert(key: str, value: str) -> Any:
    if key in {"capability", "minutes_per_week"}:
        return int(value)
    if key in {"safe_to_email", "safe_device"}:
        # "Not sure" is treated as "no": the safer guess.
        return value == "yes"
    return value


def build_questions(catalogue: PersonaCatalogue) -> tuple[Question, ...]:
    worries = (
        *(
            Choice(a.slug, a.label, lang=SOURCE_LANGUAGE if "label" in a.fallback else "")
            for a in catalogue.adversaries.values()
        ),
        Choice(NOT_SURE, _("I'm not sure")),
    )
    return (
        Question(
            slug="devices",
            key="devices",
            title=_("Which of these do you use?"),
            hint=_("Tick all that you use most weeks."),
            multiple=True,
            choices=(
                Choice("iphone", _("An iPhone")),
                Choice(
                    "android",
                    _("An Android phone"),
                    _("For example Samsung, Oppo or Google Pixel."),
                ),
                Choice("windows", _("A Windows computer")),
                Choice("mac", _("A Mac computer")),
                Choice("chromebook", _("A Chromebook")),
                Choice("shared_computer", _("A shared or library computer")),
                Choice(NONE, _("None of these")),
            ),
        ),
        Question(
            slug="confidence",
            key="capability",
            title=_("How do you feel about phones and computers?"),
            hint=_("Pick the one that sounds most like you. There is no wrong answer."),
            multiple=False,
            choices=(
                Choice(
                    "1",
                    _("They often confuse me"),
                    _("I mostly call, text and look at photos."),
                ),
                Choice(
                    "2",
                    _("I get by"),
                    _("I use apps, email and video calls, but I leave settings alone."),
                ),
                Choice(
                    "3",
                    _("I'm fine with steps to follow"),
                    _("I can change a setting if I have steps or a friend shows me."),
                ),
                Choice(
                    "4",
                    _("I'm comfortable"),
                    _("I change settings and add apps on my own."),
                ),
            ),
        ),
        Question(
            slug="habits",
            key="habits",
            title=_("Which of these do you already do?"),
            hint=_("Tick the ones you do now. It is fine to tick none."),
            multiple=True,
            choices=(
                Choice("screen_lock", _("My phone needs a code, face or finger to open")),
                Choice("auto_updates", _("My phone and computer update on their own")),
                Choice("unique_passwords", _("I use a different password for each account")),
                Choice(
                    "password_manager",
                    _("I keep my passwords in a password app or my browser"),
                ),
                Choice(
                    "two_step_email",
                    _("My email asks for a code when I sign in somewhere new"),
                ),
                Choice("backups", _("My photos and files are backed up")),
                Choice(NOT_SURE, _("None of these, or I'm not sure")),
            ),
        ),
        Question(
            slug="visibility",
            key="visibility",
            title=_("Do people need to find you online?"),
            hint=_("For your work, a business, a group or a cause."),
            multiple=False,
            choices=(
                Choice(
                    "private",
                    pgettext("answer", "No"),
                    _("I like to keep a low profile online."),
                ),
                Choice(
                    "some",
                    pgettext("answer", "A bit"),
                    _("Some people, like clients or a club, need to find me."),
                ),
                Choice(
                    "public",
                    pgettext("answer", "Yes"),
                    _("My work or community needs people to find me online."),
                ),
            ),
        ),
        Question(
            slug="worries",
            key="adversaries",
            title=_("What worries you most?"),
            hint=_("Tick any that fit. Your answers stay private and are never shared."),
            multiple=True,
            choices=worries,
        ),
        Question(
            slug="time",
            key="minutes_per_week",
            title=_("How much time could you give each week?"),
            hint=_("Small steps add up. You can change this later."),
            multiple=False,
            choices=(
                Choice("5", _("About 5 minutes")),
                Choice("10", _("About 10 minutes")),
                Choice("20", _("About 20 minutes")),
                Choice("30", _("About half an hour")),
                Choice("60", _("About an hour")),
            ),
        ),
        Question(
            slug="starting-point",
            key="group",
            title=_("Which sounds more like you?"),
            hint=_("Both are common. This helps us pick where to start."),
            multiple=False,
            choices=(
                Choice(
                    "knows",
                    _("I know some things I could do"),
                    _("I have not got round to them yet."),
                ),
                Choice(
                    "unsure",
                    _("I'm not sure what good looks like"),
                    _("I'd like help to know where to start."),
                ),
            ),
        ),
        Question(
            slug="email-safety",
            key="safe_to_email",
            title=_("Is it safe for you to get emails about this?"),
            hint=_("Think about whether someone else reads your email or sees your phone."),
            multiple=False,
            choices=(
                Choice("yes", _("Yes, it is safe")),
                Choice("no", _("No, or I'd rather not")),
                Choice(NOT_SURE, _("I'm not sure")),
            ),
            only_when_someone_close=True,
        ),
        Question(
            slug="device-safety",
            key="safe_device",
            title=_("Is the device you are using now safe to use?"),
            hint=_("Safe means no one else checks it or could have put an app on it."),
            multiple=False,
            choices=(
                Choice("yes", _("Yes, I think it is safe")),
                Choice("no", _("No, someone else may check it")),
                Choice(NOT_SURE, _("I'm not sure")),
            ),
            only_when_someone_close=True,
        ),
    )


def applicable(questions: tuple[Question, ...], answers: Mapping[str, Any]) -> list[Question]:
    return [q for q in questions if q.applies(answers)]


def first_unanswered(
    questions: tuple[Question, ...], answers: Mapping[str, Any]
) -> Question | None:
    for question in applicable(questions, answers):
        if question.key not in answers:
            return question
    return None
