"""`manage.py plan preview`: the stable machine interface for content review."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

BASE_DIR = Path(__file__).resolve().parent.parent
SAMPLE = BASE_DIR / "docs" / "sample-answers.json"


def preview(capsys, *args: str) -> str:
    call_command("plan", "preview", "--answers", *args)
    return capsys.readouterr().out


def test_the_json_has_the_documented_shape(capsys):
    data = json.loads(preview(capsys, str(SAMPLE), "--format", "json"))
    assert set(data) >= {"profile", "persona", "reminders_default", "weeks"}
    assert set(data["persona"]) >= {"slug", "name", "reasons"}
    assert data["persona"]["reasons"]
    assert data["reminders_default"] in {"on", "off"}
    assert data["weeks"][0]["week"] == 1
    for week in data["weeks"]:
        assert isinstance(week["week"], int)
        for step in week["steps"]:
            assert set(step) >= {
                "slug",
                "title",
                "minutes",
                "capability",
                "category",
                "platforms",
                "may_alert",
                "reasons",
                "text",
            }
            assert set(step["text"]) == {"summary", "why", "how", "good_enough"}
            assert isinstance(step["text"]["how"], dict)


def test_the_text_format_reads_as_a_plan(capsys):
    out = preview(capsys, str(SAMPLE))
    assert "People like you:" in out
    assert "Week 1 (" in out


def test_a_bad_answers_file_names_the_key_and_exits_with_status_2(tmp_path):
    bad = tmp_path / "answers.json"
    bad.write_text(json.dumps({**json.loads(SAMPLE.read_text()), "capability": 9}))
    result = subprocess.run(
        [sys.executable, "manage.py", "plan", "preview", "--answers", str(bad)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 2
    assert "'capability'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ["not json", "[1, 2]"])
def test_a_file_that_is_not_an_answers_object_is_refused_kindly(tmp_path, content):
    bad = tmp_path / "answers.json"
    bad.write_text(content)
    with pytest.raises(CommandError) as error:
        call_command("plan", "preview", "--answers", str(bad))
    assert error.value.returncode == 2


def test_explain_shows_the_tier_and_the_rule_that_placed_each_step(capsys):
    out = preview(
        capsys,
        str(BASE_DIR / "docs" / "sample-answers" / "living-with-partner-email-not-safe.json"),
        "--explain",
    )
    assert "[safety] safety: the helpline or safety plan comes first" in out
    assert "[core] core for everyone: updates" in out
    assert "held to week 3 and after the safety steps: may alert" in out
    assert "Left out or swapped" in out
    assert "password-notebook: unsafe where someone close is a worry" in out


def test_the_json_names_each_step_tier_and_rule_and_the_steps_offered_later(capsys):
    data = json.loads(
        preview(
            capsys,
            str(BASE_DIR / "docs" / "sample-answers" / "every-habit-capability-4.json"),
            "--format",
            "json",
        )
    )
    tiers = {s["tier"] for w in data["weeks"] for s in w["steps"]}
    assert tiers <= {"safety", "core", "worry", "general", "checkup"}
    assert all(s["rule"] for w in data["weeks"] for s in w["steps"])
    assert data["when_ready"] and all(s["rule"] for s in data["when_ready"])


@pytest.mark.parametrize("path", sorted((BASE_DIR / "docs" / "sample-answers").glob("*.json")))
def test_every_sample_answers_file_previews(capsys, path):
    assert "Week 1 (" in preview(capsys, str(path), "--explain")
