from typing import Any

import pytest

from personas.profile import (
    COMMON_ADVERSARIES,
    AnswersError,
    Profile,
    profile_from_answers,
    validate_answers,
)


def answers(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "devices": ["android", "iphone"],
        "capability": 2,
        "habits": ["screen_lock"],
        "visibility": "some",
        "adversaries": ["thieves", "scammers"],
        "minutes_per_week": 20,
        "group": "knows",
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


def test_it_accepts_a_complete_set_of_answers():
    clean = validate_answers(answers())
    assert clean == {
        "devices": ["iphone", "android"],
        "capability": 2,
        "habits": ["screen_lock"],
        "visibility": "some",
        "adversaries": ["scammers", "thieves"],
        "minutes_per_week": 20,
        "group": "knows",
        "safe_to_email": True,
        "safe_device": True,
    }


def test_it_builds_the_profile_from_the_answers():
    profile = profile_from_answers(answers())
    assert profile == Profile(
        capability=2,
        devices=("iphone", "android"),
        visibility="some",
        adversaries=("scammers", "thieves"),
        adversaries_given=True,
        habits=("screen_lock",),
        minutes_per_week=20,
        group="knows",
        safe_to_email=True,
        safe_device=True,
    )
    assert not profile.someone_close_is_a_worry
    assert not profile.must_stay_findable


def test_the_same_answers_in_another_order_give_the_same_profile():
    one = profile_from_answers(
        answers(devices=["mac", "iphone"], habits=["backups", "screen_lock"])
    )
    two = profile_from_answers(
        answers(devices=["iphone", "mac"], habits=["screen_lock", "backups"])
    )
    assert one == two


def test_a_profile_survives_a_round_trip_through_a_dict():
    profile = profile_from_answers(answers(adversaries=["partner"], safe_device=True))
    assert Profile.from_dict(profile.to_dict()) == profile


@pytest.mark.parametrize(
    ("key", "bad_value"),
    [
        ("devices", "iphone"),
        ("devices", ["iphone", "blackberry"]),
        ("capability", 0),
        ("capability", 5),
        ("capability", "2"),
        ("capability", True),
        ("habits", None),
        ("habits", ["flossing"]),
        ("visibility", "famous"),
        ("visibility", ["public"]),
        ("adversaries", ["aliens"]),
        ("adversaries", "scammers"),
        ("minutes_per_week", 4),
        ("minutes_per_week", 121),
        ("minutes_per_week", 20.5),
        ("group", "expert"),
        ("safe_to_email", "yes"),
        ("safe_device", 1),
    ],
)
def test_each_invalid_answer_is_rejected_naming_its_key(key, bad_value):
    with pytest.raises(AnswersError) as raised:
        validate_answers(answers(**{key: bad_value}))
    assert raised.value.key == key
    assert str(raised.value).startswith(f"{key}: ")


@pytest.mark.parametrize(
    "key",
    ["devices", "capability", "habits", "visibility", "adversaries", "minutes_per_week", "group"],
)
def test_a_missing_answer_is_rejected_naming_its_key(key):
    with pytest.raises(AnswersError) as raised:
        profile_from_answers(answers(**{key: ...}))
    assert raised.value.key == key


def test_an_unknown_key_is_rejected_by_name():
    with pytest.raises(AnswersError) as raised:
        validate_answers(answers(name="Alice"))
    assert raised.value.key == "name"
    assert "not a known key" in raised.value.reason


def test_answers_that_are_not_a_mapping_are_rejected():
    with pytest.raises(AnswersError) as raised:
        validate_answers(["devices", "iphone"])
    assert raised.value.key == "answers"


@pytest.mark.parametrize("close", ["partner", "family"])
def test_email_and_this_device_are_assumed_unsafe_when_someone_close_is_a_worry(close):
    profile = profile_from_answers(answers(adversaries=["scammers", close]))
    assert profile.someone_close_is_a_worry
    assert profile.safe_to_email is False
    assert profile.safe_device is False


def test_email_and_this_device_are_assumed_safe_when_no_one_close_is_a_worry():
    profile = profile_from_answers(answers(adversaries=["harassers"]))
    assert profile.safe_to_email is True
    assert profile.safe_device is True


def test_the_persons_own_safety_answers_win_over_the_defaults():
    profile = profile_from_answers(
        answers(adversaries=["partner"], safe_to_email=True, safe_device=False)
    )
    assert profile.safe_to_email is True
    assert profile.safe_device is False


def test_not_sure_what_worries_you_gives_the_common_worries():
    profile = profile_from_answers(answers(adversaries=[]))
    assert profile.adversaries == COMMON_ADVERSARIES
    assert profile.adversaries_given is False
    assert profile.safe_to_email is True


def test_no_devices_and_no_habits_are_allowed():
    profile = profile_from_answers(answers(devices=[], habits=[]))
    assert profile.devices == ()
    assert profile.habits == ()


def test_a_public_person_must_stay_findable():
    assert profile_from_answers(answers(visibility="public")).must_stay_findable
