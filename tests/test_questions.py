import re

import pytest

from personas.catalogue import load
from personas.profile import profile_from_answers
from personas.questions import applicable, build_questions, first_unanswered

CATALOGUE = load()
QUESTIONS = build_questions(CATALOGUE)
BY_SLUG = {q.slug: q for q in QUESTIONS}
COMPLETE = {
    "devices": ["iphone"],
    "capability": 2,
    "habits": [],
    "visibility": "private",
    "adversaries": ["scammers"],
    "minutes_per_week": 10,
    "group": "unsure",
}
# Words that would mean the assessment asks who someone is.
IDENTIFYING = re.compile(r"\bname\b|email address|phone number|\baddress\b", re.IGNORECASE)


def test_a_single_choice_question_gives_its_answer_in_the_answers_format():
    assert BY_SLUG["confidence"].parse(["3"]) == 3
    assert BY_SLUG["time"].parse(["20"]) == 20
    assert BY_SLUG["visibility"].parse(["public"]) == "public"
    assert BY_SLUG["starting-point"].parse(["knows"]) == "knows"


@pytest.mark.parametrize("slug", ["email-safety", "device-safety"])
def test_a_safety_question_treats_not_sure_as_no(slug):
    question = BY_SLUG[slug]
    assert question.parse(["yes"]) is True
    assert question.parse(["no"]) is False
    assert question.parse(["not_sure"]) is False


@pytest.mark.parametrize("submitted", [[], ["2", "3"], ["5"], ["two"], [""]])
def test_a_single_choice_question_needs_exactly_one_of_its_answers(submitted):
    with pytest.raises(ValueError, match=r"^Choose one answer to go on\.$"):
        BY_SLUG["confidence"].parse(submitted)


def test_a_multiple_choice_question_keeps_the_order_of_its_choices():
    assert BY_SLUG["devices"].parse(["mac", "iphone"]) == ["iphone", "mac"]
    assert BY_SLUG["worries"].parse(["partner", "scammers"]) == ["scammers", "partner"]


@pytest.mark.parametrize(
    ("slug", "exclusive"), [("devices", "none"), ("habits", "not_sure"), ("worries", "not_sure")]
)
def test_none_or_not_sure_on_its_own_is_an_empty_answer(slug, exclusive):
    assert BY_SLUG[slug].parse([exclusive]) == []


@pytest.mark.parametrize(
    ("slug", "submitted"),
    [
        ("devices", ["none", "iphone"]),
        ("habits", ["backups", "not_sure"]),
        ("worries", ["not_sure", "partner"]),
    ],
)
def test_none_or_not_sure_cannot_be_ticked_with_other_boxes(slug, submitted):
    with pytest.raises(ValueError) as raised:
        BY_SLUG[slug].parse(submitted)
    assert "Choose one or the other" in str(raised.value)


def test_a_multiple_choice_question_needs_at_least_one_box():
    with pytest.raises(ValueError) as raised:
        BY_SLUG["devices"].parse([])
    assert str(raised.value) == "Tick at least one box. If none fit, tick the last one."


@pytest.mark.parametrize(
    "submitted", [["blackberry"], ["iphone", "<script>alert(1)</script>"], ["iphone", "iphone"]]
)
def test_unknown_or_repeated_values_are_rejected_kindly_without_echoing_them(submitted):
    with pytest.raises(ValueError) as raised:
        BY_SLUG["devices"].parse(submitted)
    message = str(raised.value)
    assert message == "Something went wrong with that answer. Please tick the boxes again."
    assert not any(value in message for value in submitted)


@pytest.mark.parametrize("close", ["partner", "family"])
def test_the_safety_questions_apply_only_when_someone_close_is_a_worry(close):
    slugs = [q.slug for q in applicable(QUESTIONS, {**COMPLETE, "adversaries": [close]})]
    assert slugs[-2:] == ["email-safety", "device-safety"]
    assert len(slugs) == 9


@pytest.mark.parametrize("adversaries", [[], ["scammers", "harassers", "employer"]])
def test_the_safety_questions_are_skipped_when_no_one_close_is_a_worry(adversaries):
    slugs = [q.slug for q in applicable(QUESTIONS, {**COMPLETE, "adversaries": adversaries})]
    assert "email-safety" not in slugs
    assert "device-safety" not in slugs
    assert len(slugs) == 7


def test_the_first_unanswered_question_follows_the_answers_so_far():
    assert first_unanswered(QUESTIONS, {}).slug == "devices"
    assert first_unanswered(QUESTIONS, {"devices": []}).slug == "confidence"
    assert first_unanswered(QUESTIONS, COMPLETE) is None
    with_partner = {**COMPLETE, "adversaries": ["partner"]}
    assert first_unanswered(QUESTIONS, with_partner).slug == "email-safety"


def test_the_worries_question_offers_every_worry_in_the_catalogue_and_a_not_sure():
    values = BY_SLUG["worries"].values
    assert values[:-1] == tuple(CATALOGUE.adversaries)
    assert values[-1] == "not_sure"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.slug)
def test_every_choice_of_every_question_gives_answers_a_profile_accepts(question):
    for choice in question.choices:
        value = question.parse([choice.value])
        answers = {**COMPLETE, question.key: value}
        profile_from_answers(answers)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.slug)
def test_the_form_shows_the_saved_answer_ticked_again(question):
    for choice in question.choices:
        value = question.parse([choice.value])
        shown = question.shown_value({question.key: value})
        if choice.value == "not_sure" and not question.multiple:
            # "Not sure" is stored as "no": the form shows the safer answer.
            assert shown == ["no"]
        else:
            assert shown == [choice.value]
    assert question.shown_value({}) == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.slug)
def test_no_question_asks_for_anything_that_identifies_the_person(question):
    texts = [question.title, question.hint]
    texts += [text for choice in question.choices for text in (choice.label, choice.hint)]
    for text in texts:
        assert not IDENTIFYING.search(text), text
    assert question.choices, "a question without choices would need free text"


def test_every_question_has_its_own_slug_and_key():
    assert len({q.slug for q in QUESTIONS}) == len(QUESTIONS)
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
