"""The printable plan: a PDF made by WeasyPrint from templates/plans/pdf.html.

Many people would rather have paper on the fridge than an app. The PDF has a
first page (who the steps helped, the start date, how to use it, a QR code
back to the private link), a section per week with a tick box for each step,
a notes area and page numbers.

Privacy and safety:
- The PDF never lists the person's worries, nor the reasons a step is in the
  plan (they name worries).
- Discreet mode is for paper that someone else may see. It is the plan's
  low-key switch (plans/lowkey.py): on by default when an answer signals
  danger at home, and the print form can still choose either way for one
  print. In discreet mode the title is "My weekly plan", the app's name is
  left out, there is no QR code unless it is asked for, and a step is
  printed in full only when it could not tip anyone off (lowkey's
  is_private_step): otherwise it is shown as "A step for week N" with its
  minutes and a tick box; its details stay in the plan online.
- Nothing is fetched from the network: WeasyPrint gets a URL fetcher that
  serves our own static files (fonts, the print stylesheet) and refuses
  everything else.

Rendered PDFs are cached (plans/pdf_cache.py), so a repeat request costs a
few milliseconds.
"""

import logging
import mimetypes
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from personas import catalogue as persona_catalogue
from plans import offers
from plans.catalogue import HowTo, Step, get_catalogue
from plans.lowkey import (
    NEUTRAL_TITLE,
    PRIVATE_STEP_SUMMARY,
    has_discreet_words,
    is_private_step,
)
from plans.models import Plan, PlanStep
from plans.regions import localise

logger = logging.getLogger(__name__)
# WeasyPrint and fontTools report each page and font at INFO: noise in our logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Bump when the template or stylesheet changes, so cached PDFs are redrawn.
LAYOUT_VERSION = 2
FILENAME = "my-plan.pdf"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"
FRIDGE_ROWS = 20  # steps on page 1 in its largest type
FRIDGE_ROWS_LONG = 24  # beyond this, tighter rows, so US Letter holds them too
NOTES_LINES = 18  # fills the notes page on A4 and on US Letter
Mentor = tuple[str, str]


# --- Options chosen on the print form ---------------------------------------


@dataclass(frozen=True)
class PrintOptions:
    paper: str = DEFAULT_PAPER
    discreet: bool = False
    qr: bool = True

    @property
    def page_size(self) -> str:
        return PAPER_SIZES[self.paper]


def _on_off(value: str | None, *, default: bool) -> bool:
    if value == "on":
        return True
    if value == "off":
        return False
    return default


def print_options_for(*, plan: Plan, query: Mapping[str, str]) -> PrintOptions:
    """The options from the print form's GET query; anything unknown gets the default.

    Discreet mode follows the plan's low-key switch unless the form chose;
    the QR code is off by default in discreet mode.
    """
    paper = query.get("paper", DEFAULT_PAPER)
    if paper not in PAPER_SIZES:
        paper = DEFAULT_PAPER
    discreet = _on_off(query.get("discreet"), default=plan.low_key)
    qr = _on_off(query.get("qr"), default=not discreet)
    return PrintOptions(paper=paper, discreet=discreet, qr=qr)


# --- Nothing from the network -------------------------------------------------


class URLRefused(ValueError):
    """A URL the PDF may not load: only our own static files are allowed."""


class StaticFilesURLFetcher(URLFetcher):
    """Serves SITE_URL + STATIC_URL + <path> from the static files; refuses the rest.

    Files are found with django.contrib.staticfiles finders (the source
    files, not collectstatic's hashed copies), so the PDF never makes a
    network request, not even to our own site.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []
        self.prefix = settings.SITE_URL + settings.STATIC_URL

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if not url.startswith(self.prefix):
            self.refused.append(url)
            raise URLRefused(f"the PDF only loads our own static files, not {url[:80]}")
        relative = urllib.parse.unquote(url[len(self.prefix) :].split("?")[0].split("#")[0])
        path = _static_file(relative)
        if path is None:
            self.refused.append(url)
            raise URLRefused(f"no static file {relative[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        return URLFetcherResponse(
            url, body=_read_static(path), headers={"Content-Type": content_type}
        )


def _static_file(relative: str) -> Path | None:
    if not relative or relative.startswith("/") or ".." in relative.split("/"):
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if not found or isinstance(found, list):
        return None
    return Path(found)


@lru_cache(maxsize=32)
def _read_static(path: Path) -> bytes:
    # Static files only change with a release (a new process), so keep them in memory.
    return path.read_bytes()


# --- What goes on the paper ----------------------------------------------------


@dataclass(frozen=True)
class PrintedStep:
    title: str
    minutes: int
    summary: str
    how_tos: tuple[HowTo, ...]
    good_enough: str
    done: bool
    private: bool
    may_alert: bool
    checkup: bool = False


@dataclass(frozen=True)
class PrintedWeek:
    number: int
    starts: date
    steps: tuple[PrintedStep, ...]

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.steps)

    @property
    def is_checkup(self) -> bool:
        """A check-up week, after the first season's weekly steps."""
        return all(s.checkup for s in self.steps)


def _printed_step(
    row: PlanStep, step: Step, devices: list[str], options: PrintOptions, private_index: int
) -> PrintedStep:
    """The step as printed; private_index counts the week's private steps (1 = first)."""
    own, _others = step.how_tos_for(devices)
    if options.discreet and is_private_step(step, own):
        if private_index == 1:
            title = gettext("A step for week %(week)s") % {"week": row.week}
        else:
            title = gettext("Another step for week %(week)s") % {"week": row.week}
        return PrintedStep(
            title=title,
            minutes=step.minutes,
            summary=gettext(PRIVATE_STEP_SUMMARY),
            how_tos=(),
            good_enough="",
            done=row.is_closed,
            private=True,
            may_alert=False,
            checkup=step.is_checkup,
        )
    return PrintedStep(
        title=step.title,
        minutes=step.minutes,
        summary=step.summary,
        how_tos=own,
        good_enough=step.good_enough or "",
        done=row.is_closed,
        private=False,
        may_alert=step.may_alert,
        checkup=step.is_checkup,
    )


def _weeks(plan: Plan, rows: list[PlanStep], options: PrintOptions) -> list[PrintedWeek]:
    catalogue = get_catalogue(plan.language)
    devices = list(plan.profile.get("devices") or [])
    worries = plan.profile.get("adversaries") or ()
    by_week: dict[int, list[PlanStep]] = {}
    for row in rows:
        if row.is_pending:
            by_week.setdefault(row.week, []).append(row)
    weeks = []
    for number, week_rows in sorted(by_week.items()):
        steps = []
        private_count = 0
        for row in week_rows:
            step = localise(catalogue.step(row.slug), region=plan.region, adversaries=worries)
            printed = _printed_step(row, step, devices, options, private_count + 1)
            private_count += printed.private
            steps.append(printed)
        starts = plan.start_date + timedelta(weeks=number - 1)
        weeks.append(PrintedWeek(number, starts, tuple(steps)))
    return weeks


def _done(plan: Plan, rows: list[PlanStep], options: PrintOptions) -> list[PrintedStep]:
    catalogue = get_catalogue(plan.language)
    devices = list(plan.profile.get("devices") or [])
    worries = plan.profile.get("adversaries") or ()
    done = []
    for row in rows:
        if row.is_closed:
            step = localise(catalogue.step(row.slug), region=plan.region, adversaries=worries)
            printed = _printed_step(row, step, devices, options, 1)
            if printed.private:
                printed = PrintedStep(
                    title=gettext("A step from week %(week)s") % {"week": row.week},
                    minutes=printed.minutes,
                    summary="",
                    how_tos=(),
                    good_enough="",
                    done=True,
                    private=True,
                    may_alert=False,
                )
            done.append(printed)
    return done


def plan_link(plan: Plan) -> str:
    return settings.SITE_URL + plan.get_absolute_url()


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code; segno writes only its own markup, no user text."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, dark="#000", light="#fff", omitsize=True
    )
    # segno writes this SVG from our own URL: no outside text reaches it.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def plan_pdf_html(*, plan: Plan, options: PrintOptions, mentor: Mentor | None = None) -> str:
    """The HTML that WeasyPrint turns into the PDF, in the plan's language."""
    with translation.override(plan.language):
        return _plan_pdf_html(plan, options, mentor)


def _plan_pdf_html(plan: Plan, options: PrintOptions, mentor: Mentor | None) -> str:
    rows = list(plan.steps.all())
    persona = persona_catalogue.get_catalogue(plan.language).personas.get(plan.persona)
    mentor_note = ""
    if mentor is not None:
        mentor_note = mentor[1] or ""
        if options.discreet and has_discreet_words(mentor_note):
            mentor_note = ""
    weeks = _weeks(plan, rows, options)
    context = {
        "plan": plan,
        "options": options,
        "title": gettext(NEUTRAL_TITLE) if options.discreet else gettext("My Little Steps plan"),
        "persona_name": persona.name if persona else "",
        # Page 1, for the fridge: a line and a box for each step of the first
        # season; the pages after it explain those weeks only.
        "weeks": [w for w in weeks if not w.is_checkup],
        "checkups": [w for w in weeks if w.is_checkup],
        "checkup_weeks": ", ".join(str(w.number) for w in weeks if w.is_checkup),
        # A longer season still fits its one page, in slightly smaller type.
        "long_season": _season_rows(weeks) > FRIDGE_ROWS,
        "longer_season": _season_rows(weeks) > FRIDGE_ROWS_LONG,
        "done": _done(plan, rows, options),
        "mentor_name": mentor[0] if mentor else "",
        "mentor_note": mentor_note,
        "qr": qr_svg(plan_link(plan)) if options.qr else "",
        "careful": plan.someone_close_is_a_worry,
        "notes_lines": range(NOTES_LINES),
        # Offered, not scheduled: titles only, and none a discreet plan would hide.
        "when_ready": [
            step
            for step in offers.when_ready(plan, rows)
            if not (options.discreet and is_private_step(step, step.platforms))
        ],
    }
    return render_to_string("plans/pdf.html", context)


def html_to_pdf(html: str, *, fetcher: StaticFilesURLFetcher | None = None) -> bytes:
    """WeasyPrint, with a fetcher that only serves our own static files."""
    fetcher = fetcher or StaticFilesURLFetcher()
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher)
    # Tagged: headings, lists and reading order for people who use a screen reader.
    pdf = document.write_pdf(pdf_tags=True)
    if fetcher.refused:
        # The count only: URLs could one day hold something personal.
        logger.warning(
            "PDF: refused %d URL(s) that were not our static files", len(fetcher.refused)
        )
    return pdf


def _season_rows(weeks: list[PrintedWeek]) -> int:
    return sum(len(w.steps) for w in weeks if not w.is_checkup)


def plan_pdf_render(*, plan: Plan, options: PrintOptions, mentor: Mentor | None = None) -> bytes:
    """Render the PDF now, without the cache."""
    return html_to_pdf(plan_pdf_html(plan=plan, options=options, mentor=mentor))
