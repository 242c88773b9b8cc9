"""The advice content: every entry meets the schema and the content rules.

These run over every entry in the files, so a future entry that breaks a
rule fails here with the file, the entry and the field.
"""

import datetime
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from personas import catalogue as persona_catalogue
from personas.schema import ContentError
from plans import catalogue as step_catalogue
from plans import content_rules

TODAY = datetime.date.today()
STEPS = step_catalogue.get_catalogue()
PERSONAS = persona_catalogue.get_catalogue()
ACTIVE = STEPS.active()


def _ids(steps):
    return [s.slug for s in steps]


@pytest.mark.parametrize("step", ACTIVE, ids=_ids(ACTIVE))
def test_every_step_meets_the_content_rules(step):
    problems = content_rules.check_step(step, TODAY)
    assert not problems, "\n".join(str(p) for p in problems)


def test_the_catalogue_covers_every_person_and_worry():
    problems = content_rules.check_coverage(STEPS)
    assert not problems, "\n".join(str(p) for p in problems)


def test_personas_adversaries_and_glossary_meet_the_rules():
    problems = content_rules.check_personas(PERSONAS, STEPS)
    assert not problems, "\n".join(str(p) for p in problems)


def test_there_are_at_least_ten_personas_across_both_axes():
    personas = list(PERSONAS.personas.values())
    assert len(personas) >= 10
    assert {p.visibility for p in personas} == {"private", "some", "public"}
    assert {p.capability for p in personas} == {1, 2, 3, 4}
    assert any({"partner", "family"} & set(p.worries) for p in personas)
    assert sum(p.visibility == "public" for p in personas) >= 3


def test_there_are_at_least_eight_adversaries_with_signs():
    adversaries = list(PERSONAS.adversaries.values())
    assert len(adversaries) >= 8
    assert all(a.description and a.signs for a in adversaries)


@pytest.mark.parametrize("step", ACTIVE, ids=_ids(ACTIVE))
def test_every_prerequisite_and_alternative_is_a_real_step(step):
    for slug in step.prerequisites:
        assert slug in STEPS.steps
    if step.hides_you:
        alternative = STEPS.steps[step.visibility]
        assert not alternative.hides_you
        assert not alternative.retired


def test_prerequisites_never_go_round_in_a_circle():
    def depth(slug, seen):
        assert slug not in seen, f"cycle through {slug}"
        return 1 + max(
            (depth(p, seen | {slug}) for p in STEPS.steps[slug].prerequisites), default=0
        )

    for slug in STEPS.steps:
        depth(slug, frozenset())


@pytest.mark.parametrize("step", ACTIVE, ids=_ids(ACTIVE))
def test_every_how_to_links_to_the_vendors_own_help_page(step):
    for how_to in step.platforms:
        assert how_to.help_url.startswith("https://")
        assert how_to.how.strip()


def test_the_safety_plan_is_quick_and_changes_nothing():
    safety = STEPS.step(step_catalogue.SAFETY_PLAN_SLUG)
    assert not safety.may_alert
    assert safety.minutes <= 10
    assert safety.capability == 1
    assert safety.changes == ("nothing",)


def test_the_catalogue_version_is_a_hash_of_the_files(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(step_catalogue.CONTENT_DIR, copy)
    assert step_catalogue.load(copy).version == STEPS.version
    glossary = copy / "glossary.yaml"
    glossary.write_text(glossary.read_text() + "\n# a comment changes the version\n")
    assert step_catalogue.load(copy).version != STEPS.version


def test_the_catalogue_is_loaded_once_per_process():
    assert step_catalogue.get_catalogue() is step_catalogue.get_catalogue()
    assert persona_catalogue.get_catalogue() is persona_catalogue.get_catalogue()


# --- The checker itself fails loudly on bad content -------------------------


def _copy_content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(step_catalogue.CONTENT_DIR, copy)
    return copy


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def test_a_missing_field_names_the_file_the_entry_and_the_field(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / "steps" / "device.yaml", "    minutes: 5\n", "")
    with pytest.raises(ContentError) as error:
        step_catalogue.load(content)
    assert error.value.file.endswith("device.yaml")
    assert error.value.entry == "phone-screen-lock"
    assert error.value.field == "minutes"
    assert "missing" in error.value.reason


def test_a_misspelt_field_is_not_quietly_ignored(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / "steps" / "device.yaml", "    minutes: 5\n", "    minutes: 5\n    minuts: 5\n")
    with pytest.raises(ContentError, match="minuts"):
        step_catalogue.load(content)


def test_an_unknown_prerequisite_fails(tmp_path):
    content = _copy_content(tmp_path)
    _edit(
        content / "steps" / "device.yaml",
        "    prerequisites: []\n",
        "    prerequisites: [no-such-step]\n",
    )
    with pytest.raises(ContentError, match="no-such-step"):
        step_catalogue.load(content)


def test_a_prerequisite_cycle_fails(tmp_path):
    content = _copy_content(tmp_path)
    # phone-screen-lock is first in device.yaml; make it need a step that needs it.
    dependant = next(s for s in STEPS.active() if "phone-screen-lock" in s.prerequisites)
    _edit(
        content / "steps" / "device.yaml",
        "    prerequisites: []\n",
        f"    prerequisites: [{dependant.slug}]\n",
    )
    with pytest.raises(ContentError, match="circle"):
        step_catalogue.load(content)


def test_the_rules_catch_shame_words_hard_words_and_a_missing_warning(tmp_path):
    step = STEPS.step("phone-screen-lock")
    from dataclasses import replace

    broken = replace(
        step,
        summary="You should have simply done this already.",
        why=(
            "Comprehensive authentication configuration substantially ameliorates "
            "organisational vulnerabilities, notwithstanding considerable "
            "administrative inconvenience and sophisticated technological prerequisites."
        ),
        changes=("password",),
        may_alert=False,
        last_reviewed=TODAY - datetime.timedelta(days=400),
        sources=(),
    )
    problems = {(p.field, p.reason.split(" ")[0]) for p in content_rules.check_step(broken, TODAY)}
    fields = {field for field, _ in problems}
    assert "summary" in fields  # "should have", "simply"
    assert "why" in fields  # reading grade above 8
    assert "may_alert" in fields
    assert "last_reviewed" in fields
    assert "sources" in fields


def test_content_check_passes_and_prints_the_counts(capsys):
    call_command("content", "check")
    out = capsys.readouterr().out
    assert "steps:" in out
    assert "by_category:" in out
    assert "reading_grade:" in out
    assert "Content is valid." in out


def test_content_check_exits_non_zero_on_a_broken_file(tmp_path, monkeypatch):
    content = _copy_content(tmp_path)
    _edit(content / "steps" / "device.yaml", "    capability: 1\n", "    capability: 7\n")
    monkeypatch.setattr(step_catalogue, "CONTENT_DIR", content)
    monkeypatch.setattr(step_catalogue.load, "__defaults__", (content,))
    with pytest.raises(CommandError, match="capability"):
        call_command("content", "check")


def test_a_step_must_say_how_to_tell_it_worked():
    from dataclasses import replace

    broken = replace(STEPS.step("phone-screen-lock"), check=None)
    fields = {p.field for p in content_rules.check_step(broken, TODAY)}
    assert "check" in fields


def test_a_step_that_names_a_device_needs_its_how_to():
    from dataclasses import replace

    step = STEPS.step("phone-screen-lock")
    broken = replace(step, title="Put a lock on your Chromebook")
    reasons = [p.reason for p in content_rules.check_step(broken, TODAY)]
    assert "names chromebook but has no how-to for it" in reasons
    assert not [p for p in content_rules.check_step(step, TODAY) if p.field == "title"]


def test_an_empty_cell_in_the_counts_fails_the_check():
    from dataclasses import replace

    without = {
        slug: replace(s, platforms=tuple(h for h in s.platforms if h.platform != "chromebook"))
        for slug, s in STEPS.steps.items()
    }
    problems = content_rules.check_coverage(replace(STEPS, steps=without))
    assert "steps with a how-to for chromebook: 0, need 12" in [p.reason for p in problems]
    easy = {slug: replace(s, capability=min(s.capability, 3)) for slug, s in STEPS.steps.items()}
    problems = content_rules.check_coverage(replace(STEPS, steps=easy))
    assert "steps for capability 4: 0, need 6" in [p.reason for p in problems]


def test_a_personas_first_steps_must_fit_that_person():
    from dataclasses import replace

    persona = next(p for p in PERSONAS.personas.values() if {"partner"} & set(p.worries))
    alerting = next(s for s in ACTIVE if s.may_alert and s.capability <= persona.capability)
    expert = next(s for s in ACTIVE if s.capability == 4)
    assert not content_rules.check_first_steps(persona, STEPS)
    unsafe = replace(persona, first_steps=(alerting.slug, "make-a-safety-plan"))
    reasons = [p.reason for p in content_rules.check_first_steps(unsafe, STEPS)]
    assert f"'{alerting.slug}' could alert someone close before the safety plan" in reasons
    beginner = replace(persona, capability=1, first_steps=(expert.slug,))
    reasons = [p.reason for p in content_rules.check_first_steps(beginner, STEPS)]
    assert f"'{expert.slug}' needs capability 4" in reasons
