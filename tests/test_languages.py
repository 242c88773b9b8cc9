"""Spanish, as a person meets it: pages, the switcher, the plan's language, emails."""

import datetime
import io
import re
import shutil

import pytest
import yaml
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import strip_tags
from pypdf import PdfReader

from plans import feed, pdf, reminder_mail
from plans.catalogue import get_catalogue
from plans.models import Plan, ReminderLog, ReminderSettings
from tests.factories import build_plan_in, make_plan
from tests.helpers import english_words

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
# A step of the plans below, shown as if it had no Spanish texts yet.
UNTRANSLATED = "iphone-updates"


@pytest.fixture
def one_step_not_yet_in_spanish(monkeypatch, tmp_path):
    """The real Spanish catalogue, but with UNTRANSLATED left out of its file."""
    import plans.catalogue
    from plans.catalogue_languages import translate

    content = tmp_path / "content"
    shutil.copytree(plans.catalogue.CONTENT_DIR, content)
    device = content / "es" / "steps" / "device.yaml"
    data = yaml.safe_load(device.read_text())
    data["steps"] = [step for step in data["steps"] if step["slug"] != UNTRANSLATED]
    device.write_text(yaml.safe_dump(data, allow_unicode=True))
    spanish = translate(plans.catalogue.load(content), "es")
    real = plans.catalogue._catalogue
    monkeypatch.setattr(
        plans.catalogue,
        "_catalogue",
        lambda language: spanish if language == "es" else real(language),
    )
    return spanish


def _html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


@pytest.mark.django_db
def test_the_landing_page_in_spanish_says_so_and_speaks_it(client):
    response = client.get("/", **SPANISH)
    assert _html_lang(response) == "es"
    page = response.content.decode()
    assert "Más seguridad en internet, un pequeño paso a la vez" in page
    assert "Salir de esta página" in page
    assert "Ir al contenido principal" in page
    assert "Safer online" not in page


@pytest.mark.django_db
def test_english_stays_new_zealand_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-NZ,en;q=0.8")
    assert _html_lang(response) == "en-NZ"
    assert "Safer online, one small step at a time" in response.content.decode()


@pytest.mark.django_db
def test_the_switcher_names_each_language_in_itself_and_marks_the_current_one(client):
    page = client.get("/").content.decode()
    switcher = page[page.index('class="language-switcher"') : page.index("</nav>")]
    assert '<span class="language-switcher__current" aria-current="true" lang="en">English' in (
        switcher
    )
    assert re.search(r'<button[^>]*value="es" lang="es">Español</button>', switcher)
    assert 'name="csrfmiddlewaretoken"' in switcher
    assert '<input type="hidden" name="next" value="/">' in switcher
    # In Spanish, English is still called "English" (not "Inglés").
    spanish = client.get("/", **SPANISH).content.decode()
    assert re.search(r'<button[^>]*value="en" lang="en">English</button>', spanish)


@pytest.mark.django_db
def test_switching_language_keeps_you_on_the_same_plan_page(client):
    plan = build_plan_in(client)
    response = client.post("/i18n/setlang/", {"language": "es", "next": plan.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()  # no language in the address
    again = client.get(plan.get_absolute_url())
    assert again.status_code == 200
    assert _html_lang(again) == "es"


@pytest.mark.django_db
def test_a_plan_made_in_spanish_is_in_spanish_and_one_made_in_english_in_english():
    spanish = Client(**SPANISH)
    assert build_plan_in(spanish).language == "es"
    assert build_plan_in(Client()).language == "en"


@pytest.mark.django_db
def test_the_maker_reading_in_another_language_changes_the_plans_language():
    maker = Client()
    plan = build_plan_in(maker)
    assert plan.language == "en"
    # Someone with the link only reads it in Spanish: the maker's emails stay English.
    Client(**SPANISH).get(plan.get_absolute_url())
    assert Plan.objects.get(pk=plan.pk).language == "en"
    maker.get(plan.get_absolute_url(), **SPANISH)
    assert Plan.objects.get(pk=plan.pk).language == "es"


def test_the_spanish_catalogue_lays_its_texts_over_the_english(one_step_not_yet_in_spanish):
    english, spanish = get_catalogue("en"), get_catalogue("es")
    assert english.version != spanish.version
    lock = spanish.step("phone-screen-lock")
    assert lock.title == "Pon un bloqueo en tu teléfono"
    assert lock.fallback == frozenset()
    assert lock.minutes == english.step("phone-screen-lock").minutes
    other = spanish.step(UNTRANSLATED)
    assert {"title", "summary", "why"} <= other.fallback
    assert other.summary == english.step(UNTRANSLATED).summary
    # A regional variant reads the Spanish; a language the site does not speak, the English.
    assert get_catalogue("es-mx") is spanish
    assert get_catalogue("fr") is english


@pytest.mark.django_db
def test_a_text_not_yet_in_spanish_is_marked_english_with_a_note(
    client, one_step_not_yet_in_spanish
):
    plan = make_plan(language="es")
    plan.steps.filter(slug__in=["phone-screen-lock", UNTRANSLATED]).update(week=1)
    plan.steps.exclude(slug__in=["phone-screen-lock", UNTRANSLATED]).update(week=5)
    page = client.get(plan.get_absolute_url(), **SPANISH).content.decode()
    english_summary = get_catalogue("en").step(UNTRANSLATED).summary
    assert f'<p lang="en">{english_summary}</p>' in page
    assert "Partes de esto todavía no están en español, así que se muestran en inglés." in page
    spanish_summary = get_catalogue("es").step("phone-screen-lock").summary
    assert f"<p>{spanish_summary}</p>" in page


def _reminder_for(plan: Plan) -> tuple[ReminderLog, ReminderSettings]:
    reminder = ReminderSettings.objects.create(plan=plan, email="ana@example.org", active=True)
    log = ReminderLog.objects.create(plan=plan, due_at=timezone.now())
    return log, reminder


@pytest.mark.django_db
def test_a_spanish_plans_reminder_is_written_in_spanish_whatever_the_workers_language():
    plan = make_plan(language="es")
    log, reminder = _reminder_for(plan)
    with translation.override("en"):
        message = reminder_mail.reminder_message(
            log=log, reminder=reminder, slug="phone-screen-lock"
        )
    assert message.subject == "Tu pequeño paso de esta semana: Pon un bloqueo en tu teléfono"
    html = message.alternatives[0][0]
    assert '<html lang="es">' in html
    # Every word of it is Spanish: the text body, the HTML one and the subject.
    assert english_words(message.subject) == []
    assert english_words(message.body) == [], message.body
    assert english_words(strip_tags(html)) == []
    assert get_catalogue("es").step("phone-screen-lock").summary in message.body


@pytest.mark.django_db
def test_an_english_plans_reminder_stays_english_in_a_spanish_request():
    plan = make_plan(language="en")
    log, reminder = _reminder_for(plan)
    with translation.override("es"):
        message = reminder_mail.reminder_message(
            log=log, reminder=reminder, slug="phone-screen-lock"
        )
    assert message.subject == "Your little step this week: Put a lock on your phone"
    assert '<html lang="en-NZ">' in message.alternatives[0][0]


@pytest.mark.django_db
def test_the_calendar_and_the_printed_plan_use_the_plans_language():
    plan = make_plan(language="es", start_date=datetime.date(2027, 3, 1))
    plan.steps.filter(slug="phone-screen-lock").update(week=1)
    calendar = feed.calendar_feed(plan=plan).decode().replace("\r\n ", "")
    assert "Pon un bloqueo en tu teléfono" in calendar
    texts = [
        line.split(":", 1)[1].replace("\\n", " ").replace("\\", "")
        for line in calendar.splitlines()
        if line.startswith(("SUMMARY", "DESCRIPTION", "X-WR-CALNAME", "X-WR-CALDESC"))
    ]
    assert texts
    assert english_words(" ".join(texts)) == [], texts
    html = pdf.plan_pdf_html(plan=plan, options=pdf.PrintOptions("a4", False, False))
    assert '<html lang="es">' in html
    assert "1 de marzo de 2027" in html  # the start date, as Spanish says it
    printed = PdfReader(io.BytesIO(pdf.html_to_pdf(html)))
    text = " ".join(" ".join(page.extract_text().split()) for page in printed.pages)
    assert "Pon un bloqueo en tu teléfono" in text
    assert english_words(text) == [], sorted(set(english_words(text)))


def test_dates_read_in_each_languages_own_order():
    from django.utils.formats import date_format

    from config.formats import weekday_and_date

    day = datetime.date(2027, 3, 3)
    with translation.override("en"):
        assert date_format(day, "DATE_FORMAT") == "3 March 2027"
        assert weekday_and_date(day) == "Wednesday 3 March"
    with translation.override("es"):
        assert date_format(day, "DATE_FORMAT") == "3 de marzo de 2027"
        assert weekday_and_date(day) == "miércoles 3 de marzo"


@pytest.mark.django_db
def test_a_helpers_note_to_a_spanish_plan_comes_in_spanish_around_the_helpers_words():
    from mentors import services as mentor_services
    from mentors.models import Nudge
    from tests.test_mentors_helpers import make_mentor, make_mentorship

    plan = make_plan(language="es")
    mentorship = make_mentorship(make_mentor(name="Aroha"), plan)
    mentor_services.nudge_send(mentorship=mentorship, message="¡Tú puedes!")
    with translation.override("en"):  # a worker's own language does not matter
        message = mentor_services._nudge_message(nudge=Nudge.objects.get(), to="ana@example.org")
    assert "Aroha" in message.subject
    assert english_words(message.subject) == []
    assert "¡Tú puedes!" in message.body
    assert english_words(message.body) == [], message.body
    assert english_words(strip_tags(message.alternatives[0][0])) == []
