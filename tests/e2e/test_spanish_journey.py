"""The core journey in Spanish, as a browser set to Spanish meets it: landing,
the questions, the persona, the plan, a tick, the printed plan and the
reminders page, with JavaScript on and off.

Every page must say lang="es" and hold no English outside the parts marked
lang="en" (the switcher's "English", a text not yet translated). English is
found by its commonest small words, which Spanish never uses; a menu name
quoted in brackets, as a phone may show it in English, is left out.
"""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.catalogue import get_catalogue
from plans.models import Plan
from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import printed_pdf
from tests.factories import BRUCE
from tests.helpers import english_texts, english_words, words_outside_english

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def english_on(page) -> list[str]:
    return english_texts([page.title(), *words_outside_english(page.content())])


def assert_in_spanish(page, *, javascript: bool) -> None:
    assert page.locator("html").get_attribute("lang") == "es", page.url
    english = english_on(page)
    assert not english, f"English on {page.url}:\n" + "\n".join(english[:20])
    if javascript:  # axe runs as a script in the page
        assert_accessible(page)


def printed_plan(page) -> str:
    content_type, body = printed_pdf(page, "Imprimir mi plan")
    assert content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.mark.parametrize(
    ("javascript", "width"),
    [(True, 375), (True, 1280), (False, 375)],
    ids=["javascript-375", "javascript-1280", "no-javascript-375"],
)
def test_a_spanish_speaker_goes_from_the_landing_page_to_a_ticked_plan(
    browser, live_server, javascript, width
):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        java_script_enabled=javascript,
        locale="es-MX",  # the browser asks for Spanish: Accept-Language es-MX
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    page.goto("/")
    assert_in_spanish(page, javascript=javascript)
    page.get_by_role("link", name="Empezar", exact=True).click()

    for number, (slug, values) in enumerate(BRUCE.items(), start=1):
        page.wait_for_url(f"**/start/{slug}/")
        expect(page.locator(".progress")).to_have_text(f"Pregunta {number} de 7")
        assert_in_spanish(page, javascript=javascript and number in (1, 4))
        for value in values:
            page.locator(f"input[name=answer][value='{value}']").check()
        page.get_by_role("button", name="Siguiente").click()

    page.wait_for_url("**/people-like-you/")
    expect(page.locator("h1")).to_have_text("Personas como tú")
    assert_in_spanish(page, javascript=javascript)
    page.get_by_role("button", name="Crear mi plan").click()

    page.wait_for_url("**/p/*/")
    expect(page.locator("h1")).to_have_text("Tu plan")
    assert_in_spanish(page, javascript=javascript)
    plan = Plan.objects.get()
    assert plan.language == "es"
    first = plan.steps.get(week=1)
    spanish = get_catalogue("es").step(first.slug)
    expect(page.locator(".this-week")).to_contain_text(spanish.title)

    page.locator(".this-week").get_by_role("button", name="Hecho").click()
    expect(page.get_by_text(f"Cómo saber que funcionó: {spanish.check}")).to_be_visible()
    assert_in_spanish(page, javascript=javascript)
    first.refresh_from_db()
    assert first.status == "done"

    text = printed_plan(page)
    assert " ".join(spanish.title.split()) in text
    assert "Semana 1" in text
    found = english_words(text)
    assert not found, f"English in the printed plan: {sorted(set(found))}"

    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="Recibe un recordatorio amable cada semana").click()
    page.wait_for_url(f"**/p/{plan.key}/reminders/")
    assert_in_spanish(page, javascript=javascript)
    context.close()
