"""The step fields the plan's order reads (core_for, look_only,
if_someone_close, needs, reasons): a bad value fails loudly."""

import shutil
from pathlib import Path

import pytest

from personas.schema import ContentError
from plans import catalogue as step_catalogue

STEPS = step_catalogue.get_catalogue()


def _copy_content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(step_catalogue.CONTENT_DIR, copy)
    return copy


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def test_the_experts_core_is_marked_for_everyone_in_each_of_its_five_kinds():
    kinds = {s.covers_habit for s in STEPS.active() if step_catalogue.EVERYONE in s.core_for}
    assert kinds == {"auto_updates", "screen_lock", "unique_passwords", "two_step_email", "backups"}


def test_every_look_only_step_changes_nothing_and_cannot_alert():
    look_only = [s for s in STEPS.active() if s.look_only]
    assert {"who-can-see-my-location", "stalkerware-signs"} <= {s.slug for s in look_only}
    assert all(s.changes == ("nothing",) and not s.may_alert for s in look_only)


def test_the_look_only_location_step_covers_both_phones_with_sources():
    step = STEPS.step("who-can-see-my-location")
    assert set(step.platform_keys) == {"iphone", "android"}
    iphone = next(h.how for h in step.platforms if h.platform == "iphone")
    android = next(h.how for h in step.platforms if h.platform == "android")
    assert "Safety Check" in iphone and "Find My" in iphone
    assert "Location sharing" in android and "Scan now" in android
    assert len(step.sources) >= 3


def test_a_worry_that_is_not_known_fails(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / "steps" / "device.yaml", "core_for: [everyone, thieves]", "core_for: [ghosts]")
    with pytest.raises(ContentError, match="ghosts"):
        step_catalogue.load(content)


def test_a_look_only_step_that_may_alert_fails(tmp_path):
    content = _copy_content(tmp_path)
    _edit(
        content / "steps" / "device.yaml",
        "    may_alert: true\n",
        "    may_alert: true\n    look_only: true\n",
    )
    with pytest.raises(ContentError, match="look_only"):
        step_catalogue.load(content)


def test_an_alternative_for_someone_close_must_be_a_real_step(tmp_path):
    content = _copy_content(tmp_path)
    _edit(
        content / "steps" / "accounts.yaml",
        "if_someone_close: who-has-access",
        "if_someone_close: no-such-step",
    )
    with pytest.raises(ContentError, match="no-such-step"):
        step_catalogue.load(content)


def test_a_need_that_is_not_known_fails(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / "steps" / "network.yaml", "needs: [own_device]", "needs: [a_car]")
    with pytest.raises(ContentError, match="a_car"):
        step_catalogue.load(content)
