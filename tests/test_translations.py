"""Translation files: complete, compiled, and held to the same rules as the English."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import yaml
from django.core.management import call_command
from django.utils import translation

from personas import catalogue as persona_catalogue
from personas import catalogue_languages as persona_languages
from personas.schema import ContentError
from plans import catalogue as step_catalogue
from plans import catalogue_languages, language_rules, regions, translation_sources
from plans.ui_translations import compile_all, ui_status
from tests.test_content import _copy_content, _edit

BASE_DIR = Path(__file__).resolve().parent.parent
SPANISH_STEPS = Path("es") / "steps" / "device.yaml"
SKIPPED_IN_COPY = (".*", "var", "locale", "tests", "bench", "node_modules", "__pycache__")


def test_every_spanish_ui_string_is_translated_and_none_is_fuzzy():
    status = ui_status("es")
    assert status.total > 0
    assert status.untranslated == (), "translate these in locale/es/LC_MESSAGES/django.po"
    assert status.fuzzy == 0
    assert status.translated == status.total


def test_the_po_file_holds_every_string_the_code_marks(tmp_path):
    """makemessages (Debian's gettext), run on a copy of the code, finds nothing the .po lacks."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail(
                "xgettext is missing: install Debian's gettext (make test does it as root)."
            )
        pytest.skip("xgettext is missing: install Debian's gettext to check the .po files.")
    # A copy, so that makemessages cannot write into the repository's .po file.
    copy = tmp_path / "code"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(*SKIPPED_IN_COPY))
    (copy / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--verbosity", "0"],
        cwd=copy,
        env=env,
        check=True,
    )
    found = {e.msgid for e in polib.pofile(str(copy / "locale/es/LC_MESSAGES/django.po"))}
    kept = {e.msgid for e in polib.pofile(str(BASE_DIR / "locale/es/LC_MESSAGES/django.po"))}
    assert found - kept == set(), "run `manage.py makemessages -l es` and translate the new strings"


def test_compiling_writes_each_mo_beside_its_po_without_fuzzy_strings(tmp_path, settings):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    po.append(polib.POEntry(msgid="Start", msgstr="Empezar"))
    po.append(polib.POEntry(msgid="Stop", msgstr="Parar", flags=["fuzzy"]))
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po.save(str(folder / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]
    assert compile_all() == [folder / "django.mo"]
    assert compile_all() == []  # up to date: nothing to do
    mo = polib.mofile(str(folder / "django.mo"))
    assert {e.msgid: e.msgstr for e in mo} == {"Start": "Empezar"}


def test_the_compiled_spanish_is_what_django_reads():
    call_command("compile_translations")
    with translation.override("es"):
        assert translation.gettext("Exit this page") == "Salir de esta página"


# --- Content in other languages ---------------------------------------------


def _translate(content: Path) -> step_catalogue.StepCatalogue:
    return catalogue_languages.translate(step_catalogue.load(content), "es")


def test_a_spanish_step_the_english_does_not_have_fails(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / SPANISH_STEPS, "slug: phone-screen-lock", "slug: phone-screen-lok")
    with pytest.raises(ContentError, match="phone-screen-lok"):
        _translate(content)


def test_a_spanish_text_that_drops_a_placeholder_fails(tmp_path):
    content = _copy_content(tmp_path)
    step, how = next(
        (s, h) for s in step_catalogue.load(content).active() for h in s.platforms if "{" in h.how
    )
    (content / "es" / "steps" / f"{step.category}.yaml").write_text(
        f"category: {step.category}\nsteps:\n  - slug: {step.slug}\n"
        f"    platforms:\n      {how.platform}:\n        how: Llama a la línea de ayuda.\n"
    )
    with pytest.raises(ContentError, match="placeholders"):
        _translate(content)


def test_a_spanish_how_to_for_a_platform_the_english_lacks_fails(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / SPANISH_STEPS, "      android:\n", "      windows:\n")
    with pytest.raises(ContentError, match="'windows' is not one of the English step's"):
        _translate(content)


def test_a_field_that_is_not_a_text_cannot_be_translated(tmp_path):
    content = _copy_content(tmp_path)
    _edit(content / SPANISH_STEPS, "    title: Pon", "    minutes: 3\n    title: Pon")
    with pytest.raises(ContentError, match="minutes"):
        _translate(content)


def test_a_spanish_persona_the_english_does_not_have_fails(tmp_path):
    content = tmp_path / "personas"
    shutil.copytree(persona_catalogue.CONTENT_DIR, content)
    (content / "es" / "personas.yaml").write_text("personas:\n  - slug: nobody\n    name: Nadie\n")
    with pytest.raises(ContentError, match="nobody"):
        persona_languages.translate(persona_catalogue.load(content), "es")


def test_a_translated_helpline_keeps_its_number(tmp_path):
    file = tmp_path / "regions.yaml"
    file.write_text('regions:\n  nz:\n    domestic_abuse: "Women\'s Refuge al 0800 733 844"\n')
    with pytest.raises(regions.RegionsError, match="keep its numbers"):
        regions.translate(regions.get_regions(), file)
    file.write_text('regions:\n  nz:\n    domestic_abuse: "Women\'s Refuge al 0800 733 843"\n')
    assert regions.translate(regions.get_regions(), file).get("nz").fact("domestic_abuse") == (
        "Women's Refuge al 0800 733 843"
    )


def test_the_spanish_rules_use_a_spanish_formula_and_spanish_words():
    rules = language_rules.rules_for("es")
    plain = "Pon un código en tu teléfono. Así nadie más lo puede abrir."
    hard = (
        "La autenticación multifactorial constituye un mecanismo de verificación "
        "complementario que incrementa considerablemente la resistencia de las credenciales."
    )
    assert not rules.too_hard(rules.score(plain))
    assert rules.too_hard(rules.score(hard))
    for text in ("Simplemente abre la app.", "Es fácil.", "Deberías haber puesto un código."):
        assert rules.shame.search(text), text
    assert not rules.shame.search("Solo tú puedes abrir tu teléfono.")


def test_a_hard_or_unkind_spanish_text_is_a_problem(tmp_path):
    content = _copy_content(tmp_path)
    _edit(
        content / SPANISH_STEPS,
        "    good_enough: Un código",
        "    good_enough: Simplemente pon un código. Un código",
    )
    steps = _translate(content)
    personas = persona_languages.translate(persona_catalogue.load(), "es")
    problems = language_rules.check_language("es", steps, personas)
    assert [(p.field, p.reason) for p in problems] == [
        ("good_enough", "uses the words 'Simplemente'")
    ]


def test_content_check_checks_spanish_and_prints_how_much_is_translated(capsys):
    call_command("content", "check")
    out = capsys.readouterr().out
    assert "languages: {'es': '" in out
    assert "texts translated" in out


def test_translation_status_prints_the_site_words_and_the_content_per_file(capsys):
    call_command("translation", "status")
    out = capsys.readouterr().out
    status = ui_status("es")
    assert "Español (es)" in out
    assert f"site words: {status.translated}/{status.total} translated, 0 fuzzy" in out
    steps, personas = language_rules.translate_all(step_catalogue.load(), persona_catalogue.load())[
        "es"
    ]
    done, whole = language_rules.content_counts(steps, personas)["steps/device.yaml"]
    assert done >= 10  # phone-screen-lock, every text
    assert f"steps/device.yaml: {done}/{whole}" in out


def test_a_region_fact_left_out_of_a_translation_counts_as_still_to_do(tmp_path):
    file = tmp_path / "regions.yaml"
    file.write_text('regions:\n  nz:\n    name: "Nueva Zelanda"\n')
    translated = regions.translate(regions.get_regions(), file).get("nz")
    # Words to translate: the domestic-abuse line is; 111 alone and an email address are not.
    assert "name" not in translated.fallback
    assert "domestic_abuse" in translated.fallback
    assert "emergency" not in translated.fallback
    assert "scam_email_to" not in translated.fallback


def test_spanish_content_is_complete_down_to_every_region(capsys):
    call_command("translation", "status")
    out = capsys.readouterr().out
    steps, personas = language_rules.translate_all(step_catalogue.load(), persona_catalogue.load())[
        "es"
    ]
    counts = language_rules.content_counts(steps, personas, "es")
    assert "regions.yaml" in counts
    for name, (done, whole) in counts.items():
        assert done == whole, f"{name}: {whole - done} texts still in English"
        assert f"{name}: {done}/{whole}" in out


def test_no_spanish_step_text_was_made_from_an_english_that_has_changed_since():
    english = step_catalogue.load()
    spanish = catalogue_languages.translate(english, "es")
    changed = translation_sources.changed_since(
        english, spanish, translation_sources.sources_file("es")
    )
    assert changed == [], (
        "the English of these changed after they were translated: check the Spanish, "
        "then run `manage.py translation stamp es`"
    )


def test_an_english_fix_marks_its_translation_to_check_until_it_is_stamped(tmp_path, capsys):
    content = _copy_content(tmp_path)
    _edit(
        content / "steps" / "device.yaml",
        "2. Tap Face ID & Passcode (or Touch ID & Passcode).",
        "2. Scroll down and tap Face ID & Passcode (or Touch ID & Passcode).",
    )
    # The old English's fingerprints, as they were recorded before the fix.
    shutil.copy(translation_sources.sources_file("es"), content / "es")
    english = step_catalogue.load(content)
    spanish = catalogue_languages.translate(english, "es")
    file = translation_sources.sources_file("es", content)

    assert translation_sources.changed_since(english, spanish, file) == [
        ("phone-screen-lock", "platforms.iphone.how")
    ]
    # A change of spaces or line breaks alone is not a change of words.
    _edit(content / "steps" / "device.yaml", "    why: Your phone", "    why:  Your phone")
    english = step_catalogue.load(content)
    assert len(translation_sources.changed_since(english, spanish, file)) == 1

    translation_sources.stamp(english, spanish, file)
    assert translation_sources.changed_since(english, spanish, file) == []


def test_translation_status_lists_the_texts_to_check(tmp_path, capsys, monkeypatch):
    file = tmp_path / "translated-from.yaml"
    recorded = translation_sources.recorded(translation_sources.sources_file("es"))
    recorded["phone-screen-lock"]["title"] = "0000000000"  # made from another English
    file.write_text(yaml.safe_dump({"steps": recorded}))
    monkeypatch.setattr(translation_sources, "sources_file", lambda language: file)
    call_command("translation", "status")
    out = capsys.readouterr().out
    assert "  step texts whose English changed since: 1\n    check: phone-screen-lock title" in out
    assert "(then: manage.py translation stamp es)" in out


def test_a_spanish_text_that_changes_a_number_is_a_problem(tmp_path):
    content = _copy_content(tmp_path)
    _edit(
        content / SPANISH_STEPS,
        "Escribe un código de seis números",
        "Escribe un código de 4 números",
    )
    english = step_catalogue.load(content)
    problems = language_rules.check_numbers_kept(english, _translate(content))
    assert [(p.field, p.reason) for p in problems] == [
        (
            "platforms.iphone.how",
            "has the numbers ['1', '2', '3', '4', '4', '5', '6'], "
            "the English ['1', '2', '3', '4', '5', '6']",
        )
    ]
    # The real Spanish keeps every number of the English.
    real = step_catalogue.load()
    assert language_rules.check_numbers_kept(real, catalogue_languages.translate(real, "es")) == []
