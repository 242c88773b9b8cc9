"""Answers and the profile derived from them. Pure: no database, no Django.

The answers format is the stable machine interface (README, "Answers file"):
the wizard stores it in the session, `plan preview` reads it from a file,
and a plan keeps the profile made from it.
"""

from dataclasses import asdict, dataclass
from typing import Any

from personas.catalogue import ADVERSARIES, DEVICES, GROUPS, HABITS, VISIBILITY

ANSWERS_VERSION = 1
CLOSE_ADVERSARIES = frozenset({"partner", "family"})
# What most people face, used when someone is not sure what worries them.
COMMON_ADVERSARIES = ("scammers", "thieves")
MINUTES_RANGE = (5, 120)


class AnswersError(ValueError):
    def __init__(self, key: str, reason: str):
        self.key, self.reason = key, reason
        super().__init__(f"{key}: {reason}")


@dataclass(frozen=True)
class Profile:
    capability: int
    devices: tuple[str, ...]
    visibility: str
    adversaries: tuple[str, ...]
    adversaries_given: bool
    habits: tuple[str, ...]
    minutes_per_week: int
    group: str
    safe_to_email: bool
    safe_device: bool

    @property
    def someone_close_is_a_worry(self) -> bool:
        return bool(CLOSE_ADVERSARIES & set(self.adversaries))

    @property
    def must_stay_findable(self) -> bool:
        return self.visibility == "public"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Profile":
        return cls(
            capability=int(data["capability"]),
            devices=tuple(data["devices"]),
            visibility=str(data["visibility"]),
            adversaries=tuple(data["adversaries"]),
            adversaries_given=bool(data.get("adversaries_given", True)),
            habits=tuple(data["habits"]),
            minutes_per_week=int(data["minutes_per_week"]),
            group=str(data["group"]),
            safe_to_email=bool(data["safe_to_email"]),
            safe_device=bool(data["safe_device"]),
        )


def _choices(answers: dict[str, Any], key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    value = answers.get(key)
    if not isinstance(value, list):
        raise AnswersError(key, f"must be a list of: {', '.join(allowed)}")
    for item in value:
        if item not in allowed:
            raise AnswersError(key, f"'{item}' is not one of: {', '.join(allowed)}")
    # Keep the catalogue's order, so the same answers give the same profile.
    return tuple(a for a in allowed if a in value)


def _choice(answers: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = answers.get(key)
    if value not in allowed:
        raise AnswersError(key, f"must be one of: {', '.join(allowed)}")
    return str(value)


def _integer(answers: dict[str, Any], key: str, low: int, high: int) -> int:
    value = answers.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AnswersError(key, f"must be a whole number from {low} to {high}")
    return value


def _flag(answers: dict[str, Any], key: str, default: bool) -> bool:
    value = answers.get(key, default)
    if not isinstance(value, bool):
        raise AnswersError(key, "must be true or false")
    return value


def validate_answers(answers: Any) -> dict[str, Any]:
    """Check a complete answers mapping; returns it normalised or raises AnswersError."""
    if not isinstance(answers, dict):
        raise AnswersError("answers", "must be a JSON object")
    known = {
        "devices",
        "capability",
        "habits",
        "visibility",
        "adversaries",
        "minutes_per_week",
        "group",
        "safe_to_email",
        "safe_device",
    }
    for key in answers:
        if key not in known:
            raise AnswersError(str(key), "is not a known key")
    # Checked in the documented order, so the first problem named is the
    # first one a reader of the file meets.
    devices = _choices(answers, "devices", DEVICES)
    capability = _integer(answers, "capability", 1, 4)
    habits = _choices(answers, "habits", HABITS)
    visibility = _choice(answers, "visibility", VISIBILITY)
    adversaries = _choices(answers, "adversaries", ADVERSARIES)
    close = bool(CLOSE_ADVERSARIES & set(adversaries))
    return {
        "devices": list(devices),
        "capability": capability,
        "habits": list(habits),
        "visibility": visibility,
        "adversaries": list(adversaries),
        "minutes_per_week": _integer(answers, "minutes_per_week", *MINUTES_RANGE),
        "group": _choice(answers, "group", GROUPS),
        # Where someone close is a worry, assume email and this device are
        # not safe unless the person said they are.
        "safe_to_email": _flag(answers, "safe_to_email", not close),
        "safe_device": _flag(answers, "safe_device", not close),
    }


def profile_from_answers(answers: Any) -> Profile:
    clean = validate_answers(answers)
    adversaries = tuple(clean["adversaries"])
    return Profile(
        capability=clean["capability"],
        devices=tuple(clean["devices"]),
        visibility=clean["visibility"],
        adversaries=adversaries or COMMON_ADVERSARIES,
        adversaries_given=bool(adversaries),
        habits=tuple(clean["habits"]),
        minutes_per_week=clean["minutes_per_week"],
        group=clean["group"],
        safe_to_email=clean["safe_to_email"],
        safe_device=clean["safe_device"],
    )
