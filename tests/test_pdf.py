"""The printable plan: /p/<key>/plan.pdf and plans/pdf.py."""

import io
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils.html import escape
from pypdf import PdfReader

from personas.catalogue import get_catalogue as persona_catalogue
from plans import offers, pdf, pdf_cache, services
from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep
from tests.factories import AT_RISK_ANSWERS, make_plan

pytestmark = pytest.mark.django_db

TELLING_WORDS = ("security", "abuse", "stalker", "partner", "surveillance", "safety plan")
A4 = (595, 842)
LETTER = (612, 792)
PDFTOPPM = "/usr/bin/pdftoppm"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def pdf_url(plan: Plan, query: str = "") -> str:
    return f"/p/{plan.key}/plan.pdf" + (f"?{query}" if query else "")


def fetch_pdf(client, plan: Plan, query: str = "") -> PdfReader:
    response = client.get(pdf_url(plan, query))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    """All the words in the PDF, with line breaks and runs of spaces made single."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def keep_weeks(plan: Plan, last_week: int) -> Plan:
    """A shorter plan keeps these tests quick; the full plan is tested once."""
    plan.steps.filter(week__gt=last_week).delete()
    return plan


def pending(plan: Plan) -> list[PlanStep]:
    return [s for s in plan.steps.all() if s.is_pending]


def worries_of(plan: Plan) -> list[str]:
    adversaries = persona_catalogue().adversaries
    return [
        words
        for slug in plan.profile["adversaries"]
        for words in (adversaries[slug].name, adversaries[slug].label)
    ]


def test_the_pdf_opens_in_the_browser_with_a_neutral_name_and_is_kept_private(client):
    plan = keep_weeks(make_plan(), 2)
    response = client.get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="my-plan.pdf"'
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert response.content.startswith(b"%PDF-")
    # Tagged, in the site's language, so a screen reader can follow it.
    catalog = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert catalog["/Lang"] == "en-NZ"
    assert "/StructTreeRoot" in catalog


def test_the_pdf_has_a_section_per_week_of_the_first_season_with_a_tick_box_each(client):
    plan = make_plan()  # the whole plan, check-ups included
    reader = fetch_pdf(client, plan)
    text = text_of(reader)
    catalogue = get_catalogue()
    steps = [s for s in pending(plan) if not catalogue.step(s.slug).is_checkup]
    checkups = [s for s in pending(plan) if catalogue.step(s.slug).is_checkup]
    weeks = sorted({s.week for s in steps})
    assert len(weeks) > 8 and checkups
    for week in weeks:
        assert re.search(rf"Week {week} from \d", text), f"no section for week {week}"
    for row in steps:
        assert catalogue.step(row.slug).title in text
    # The check-ups after the season: named on page 1, not explained page by page.
    for row in checkups:
        assert not re.search(rf"Week {row.week} from \d", text)
        assert str(row.week) in reader.pages[0].extract_text()
    # Each step has a box to tick and a line for the date it was done.
    assert text.count("Done on:") == len(steps)
    assert "My Little Steps plan" in text
    assert "How to use this" in text
    assert "My notes" in text
    assert reader.metadata.title == "My Little Steps plan"
    assert f"Page 1 of {len(reader.pages)}" in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


def test_the_page_after_the_fridge_list_names_the_persona_and_how_to_use_it(client):
    plan = keep_weeks(make_plan(), 2)
    reader = fetch_pdf(client, plan)
    first_page = " ".join(reader.pages[0].extract_text().split())
    second_page = " ".join(reader.pages[1].extract_text().split())
    persona = persona_catalogue().personas[plan.persona]
    assert f"Started on {plan.start_date.day} {plan.start_date:%B %Y}" in first_page
    assert f"Made with the steps that helped people like {persona.name}." in second_page
    assert "How to use this" in second_page
    assert "Your plan online" in second_page  # the QR code back to the private link


def test_each_step_shows_minutes_the_how_to_for_the_persons_own_devices_and_good_enough(client):
    plan = keep_weeks(make_plan(), 3)  # an iPhone and a Windows computer
    text = text_of(fetch_pdf(client, plan))
    catalogue = get_catalogue()
    for row in pending(plan):
        step = catalogue.step(row.slug)
        assert f"About {step.minutes} minutes" in text
        own, others = step.how_tos_for(plan.profile["devices"])
        for how in own:
            first_line = re.sub(r"^\s*\d+[.)]\s+", "", how.how.strip().splitlines()[0])
            assert " ".join(first_line.split()) in text
        for how in others:
            assert f"How to do it on {how.platform_name}" not in text
        if step.good_enough:
            assert " ".join(step.good_enough.split()) in text


def test_steps_already_done_are_shown_ticked(client):
    plan = keep_weeks(make_plan(), 3)
    first = pending(plan)[0]
    services.step_mark(plan=plan, slug=first.slug, status="done")
    keep_weeks(plan, 3)  # the re-flow planned every week again
    plan.refresh_from_db()
    text = text_of(fetch_pdf(client, plan))
    assert "Done so far" in text
    assert get_catalogue().step(first.slug).title in text
    assert text.count("Done on:") == len(pending(plan))


def test_the_pdf_never_lists_the_persons_worries_or_the_reasons_that_name_them(client):
    plan = keep_weeks(make_plan(), 4)
    text = text_of(fetch_pdf(client, plan))
    for worry in worries_of(plan):
        assert worry not in text
    for row in plan.steps.all():
        for reason in row.reasons:
            assert reason not in text


def test_discreet_mode_is_on_by_default_where_someone_close_is_a_worry(client):
    plan = keep_weeks(make_plan(AT_RISK_ANSWERS), 5)
    reader = fetch_pdf(client, plan)
    text = text_of(reader)
    lowered = text.lower()
    assert "My weekly plan" in text
    assert reader.metadata.title == "My weekly plan"
    assert "Little Steps" not in text
    for word in TELLING_WORDS:
        assert word not in lowered, word
    for worry in worries_of(plan):
        assert worry.lower() not in lowered
    # The safety plan comes first; on paper it is a neutral step with a tick box.
    assert get_catalogue().step("make-a-safety-plan").title not in text
    assert "A step for week 1" in text
    assert text.count("Done on:") == len(pending(plan))
    assert "Your plan online" not in text  # no QR code unless asked for


def test_discreet_mode_can_be_turned_off_and_the_qr_code_asked_for(client):
    # Past the safety steps of the first weeks, to the first change that may alert.
    plan = keep_weeks(make_plan(AT_RISK_ANSWERS), 8)
    text = text_of(fetch_pdf(client, plan, "discreet=off"))
    assert "My Little Steps plan" in text
    assert get_catalogue().step("make-a-safety-plan").title in text
    assert "Your plan online" in text
    assert "Before you start:" in text  # steps someone could notice say so plainly

    text = text_of(fetch_pdf(client, plan, "discreet=on&qr=on"))
    assert "My weekly plan" in text
    assert "Your plan online" in text


def test_anyone_can_choose_discreet_mode(client):
    plan = keep_weeks(make_plan(), 3)
    text = text_of(fetch_pdf(client, plan, "discreet=on"))
    assert "My weekly plan" in text
    assert "Little Steps" not in text
    assert "Your plan online" not in text
    for word in TELLING_WORDS:
        assert word not in text.lower()


def test_discreet_mode_leaves_out_a_mentor_note_with_telling_words():
    plan = keep_weeks(make_plan(AT_RISK_ANSWERS), 1)
    options = pdf.PrintOptions(discreet=True, qr=False)
    html = pdf.plan_pdf_html(plan=plan, options=options, mentor=("Aroha", "Call me any time."))
    assert "Aroha" in html and "Call me any time." in html
    html = pdf.plan_pdf_html(
        plan=plan, options=options, mentor=("Aroha", "We can talk about the abuse.")
    )
    assert "Aroha" in html and "abuse" not in html


def test_the_mentor_name_and_note_are_printed_when_there_is_a_mentor():
    plan = keep_weeks(make_plan(), 1)
    options = pdf.PrintOptions()
    mentor = ("Aroha", "I did these steps too. Ask me anything.")
    text = " ".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(pdf.plan_pdf_render(plan=plan, options=options, mentor=mentor))
        ).pages
    )
    text = " ".join(text.split())
    assert "Your helper" in text
    assert "Aroha is happy to help you with these steps." in text
    assert "I did these steps too. Ask me anything." in text
    assert "Your helper" not in pdf.plan_pdf_html(plan=plan, options=options)


def test_paper_is_a4_by_default_and_us_letter_on_request(client):
    plan = keep_weeks(make_plan(), 1)
    for query, size in (("", A4), ("paper=letter", LETTER), ("paper=a3", A4)):
        page = fetch_pdf(client, plan, query).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_odd_options_fall_back_to_the_defaults_instead_of_failing(client):
    plan = keep_weeks(make_plan(), 1)
    # (A NUL byte gets a 400 before any view: tests/test_fuzz_forms.py.)
    response = client.get(pdf_url(plan, "paper=a5&discreet=maybe&qr=<b>&qr=on"))
    assert response.status_code == 200
    options = pdf.print_options_for(plan=plan, query={"paper": "x", "discreet": "1"})
    assert options == pdf.PrintOptions(paper="a4", discreet=False, qr=True)


def test_the_pdf_uses_the_sites_own_font_at_twelve_points_or_more(client):
    plan = keep_weeks(make_plan(), 2)
    reader = fetch_pdf(client, plan)
    fonts = set()
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes.append(round(font_size * scale, 1))

    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
        page.extract_text(visitor_text=visit)
    assert fonts and all("Atkinson-Hyperlegible" in name for name in fonts)
    assert sizes and min(sizes) >= 12


def test_a_wrong_key_is_not_found(client):
    make_plan()
    assert client.get("/p/not-the-key/plan.pdf").status_code == 404


def test_a_plan_with_its_link_off_is_not_found_except_for_its_owner(client, django_user_model):
    owner = django_user_model.objects.create_user("owner@example.org")
    plan = keep_weeks(make_plan(owner=owner), 1)
    services.plan_set_link(plan=plan, enabled=False)
    assert client.get(pdf_url(plan)).status_code == 404
    client.force_login(django_user_model.objects.create_user("other@example.org"))
    assert client.get(pdf_url(plan)).status_code == 404
    client.force_login(owner)
    assert client.get(pdf_url(plan)).status_code == 200


def test_making_the_pdf_never_changes_the_plan(client):
    plan = keep_weeks(make_plan(), 1)
    before = (plan.updated_at, list(plan.steps.values_list("slug", "status", "week")))
    assert client.get(pdf_url(plan)).status_code == 200
    plan.refresh_from_db()
    assert (plan.updated_at, list(plan.steps.values_list("slug", "status", "week"))) == before
    assert client.post(pdf_url(plan)).status_code == 405


def test_a_repeat_request_is_served_from_the_cache(client, monkeypatch):
    plan = keep_weeks(make_plan(), 4)
    renders = []
    real_render = pdf.plan_pdf_render

    def counting_render(**kwargs):
        renders.append(kwargs["options"])
        return real_render(**kwargs)

    monkeypatch.setattr(pdf, "plan_pdf_render", counting_render)
    started = time.perf_counter()
    first = client.get(pdf_url(plan))
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = client.get(pdf_url(plan))
    warm = time.perf_counter() - started
    assert first.content == second.content
    assert len(renders) == 1
    assert warm < cold / 5
    options = pdf.print_options_for(plan=plan, query={})
    assert cache.get(pdf_cache.plan_pdf_cache_key(plan=plan, options=options))[1] == first.content

    # Other options, or a step ticked off, make a new PDF.
    client.get(pdf_url(plan, "paper=letter"))
    assert len(renders) == 2
    services.step_mark(plan=plan, slug=pending(plan)[0].slug, status="done")
    keep_weeks(plan, 4)
    client.get(pdf_url(plan))
    assert len(renders) == 3


def test_the_pdf_is_still_made_when_the_cache_is_down(client, settings):
    plan = keep_weeks(make_plan(), 1)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert client.get(pdf_url(plan)).status_code == 200


def test_the_fetcher_serves_our_static_files_and_refuses_everything_else():
    fetcher = pdf.StaticFilesURLFetcher()
    base = settings.SITE_URL + settings.STATIC_URL
    font = fetcher.fetch(base + "fonts/atkinson-hyperlegible-latin-400-normal.woff2")
    assert font.read()[:4] == b"wOF2"
    for url in (
        "https://example.org/x.png",
        "http://127.0.0.1:8000.example.org/static/css/pdf.css",
        "file:///etc/passwd",
        base + "../config/settings.py",
        base + "%2e%2e/config/settings.py",
        base + "css/not-there.css",
    ):
        with pytest.raises(pdf.URLRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_a_remote_url_in_the_html_is_never_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fetcher = pdf.StaticFilesURLFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="https://example.org/x.css"></head>'
        '<body><p>Hello</p><img src="https://example.org/x.png" alt=""></body></html>'
    )
    document = pdf.html_to_pdf(html, fetcher=fetcher)
    assert document.startswith(b"%PDF-")
    assert sorted(fetcher.refused) == ["https://example.org/x.css", "https://example.org/x.png"]


def test_page_one_renders_to_a_picture(client, tmp_path):
    pdftoppm = shutil.which("pdftoppm") or PDFTOPPM
    if not Path(pdftoppm).exists():
        message = f"{PDFTOPPM} is missing: install Debian's poppler-utils (make test does it)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    plan = keep_weeks(make_plan(), 2)
    source = tmp_path / "plan.pdf"
    source.write_bytes(client.get(pdf_url(plan)).content)
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    picture = next(tmp_path.glob("page*.png"))
    assert picture.stat().st_size > 10_000
    from PIL import Image

    with Image.open(picture) as image:
        assert image.size[0] > 400 and image.size[1] > 600
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 0.01 * grey.size[0] * grey.size[1]


def test_the_plan_page_has_a_print_form_that_needs_no_javascript(client):
    plan = keep_weeks(make_plan(), 1)
    page = client.get(f"/p/{plan.key}/").content.decode()
    form = page[page.index('<form class="print-form"') :]
    form = form[: form.index("</form>")]
    assert f'method="get" action="/p/{plan.key}/plan.pdf"' in form
    assert "Your plan on paper" in form
    assert 'name="paper" value="a4" checked' in form
    assert 'name="discreet" value="off" aria-describedby="print-discreet-hint" checked' in form
    assert 'name="qr" value="on" aria-describedby="print-qr-hint" checked' in form
    assert "Print my plan</button>" in form


def test_the_print_form_chooses_discreet_mode_for_someone_at_risk_at_home(client):
    plan = keep_weeks(make_plan(AT_RISK_ANSWERS), 1)
    page = client.get(f"/p/{plan.key}/").content.decode()
    form = page[page.index('<form class="print-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="discreet" value="on" aria-describedby="print-discreet-hint" checked' in form
    assert 'name="qr" value="off" aria-describedby="print-qr-hint" checked' in form
    assert "no &quot;Exit this page&quot; button" in form or 'no "Exit this page" button' in form


@pytest.mark.django_db
def test_the_printed_plan_names_the_helper_the_person_shares_with(client):
    from tests.test_mentors_helpers import make_mentor, make_mentorship

    plan = keep_weeks(make_plan(), 3)
    mentorship = make_mentorship(make_mentor(name="Aroha"), plan, share=True)
    mentorship.nudges.create(message="You are doing well. One step at a time.")
    text = text_of(fetch_pdf(client, plan))
    assert "Aroha" in text
    assert "One step at a time" in text
    mentorship.share_progress = False
    mentorship.save()
    plan.refresh_from_db()
    assert "Aroha" not in text_of(fetch_pdf(client, plan, "paper=letter"))


def test_the_printed_plan_lists_the_steps_offered_when_you_are_ready():
    plan = make_plan()
    offered = offers.when_ready(plan, list(plan.steps.all()))
    html = pdf.plan_pdf_html(plan=plan, options=pdf.PrintOptions(discreet=False, qr=False))
    assert "When you&#x27;re ready" in html or "When you're ready" in html
    assert escape(offered[0].title) in html


def test_a_discreet_printed_plan_leaves_telling_offered_steps_out():
    plan = make_plan(AT_RISK_ANSWERS)
    offered = offers.when_ready(plan, list(plan.steps.all()))
    html = pdf.plan_pdf_html(plan=plan, options=pdf.PrintOptions(discreet=True, qr=False))
    for step in offered:
        if step.may_alert or step.category == "at-home":
            assert escape(step.title) not in html
