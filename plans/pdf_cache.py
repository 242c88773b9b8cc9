"""Printed plans kept in Django's cache, so a repeat request costs a few milliseconds.

Each plan has one slot per set of print options (a handful in all), holding
the PDF with the fingerprint of everything it shows: a changed plan simply
overwrites its slot, and deleting a plan empties every slot it has.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from personas import catalogue as persona_catalogue
from plans import pdf
from plans.catalogue import get_catalogue
from plans.models import Plan
from plans.pdf import LAYOUT_VERSION, PAPER_SIZES, Mentor, PrintOptions

logger = logging.getLogger(__name__)
CACHE_SECONDS = 6 * 60 * 60


def plan_pdf_cache_key(*, plan: Plan, options: PrintOptions) -> str:
    """The one cache slot for this plan printed with these options."""
    return f"plan-pdf:{plan.pk}:{options.paper}:{int(options.discreet)}:{int(options.qr)}"


def plan_pdf_cache_keys(*, plan: Plan) -> list[str]:
    """Every slot a printed copy of this plan may be kept in."""
    return [
        plan_pdf_cache_key(plan=plan, options=PrintOptions(paper, discreet, qr))
        for paper in PAPER_SIZES
        for discreet in (False, True)
        for qr in (False, True)
    ]


def plan_pdf_fingerprint(*, plan: Plan, options: PrintOptions, mentor: Mentor | None = None) -> str:
    """Everything that changes the paper: the plan and its steps, content, options."""
    rows = plan.steps.values_list("slug", "week", "order", "status")
    parts = [
        LAYOUT_VERSION,
        plan.pk,
        plan.updated_at.isoformat() if plan.updated_at else "",
        plan.language,
        get_catalogue(plan.language).version,
        persona_catalogue.get_catalogue(plan.language).version,
        plan.persona,
        plan.start_date.isoformat(),
        plan.region,
        settings.SITE_URL,
        options.paper,
        options.discreet,
        options.qr,
        mentor,
        list(rows),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def plan_pdf_cached(
    *, plan: Plan, options: PrintOptions, mentor: Mentor | None = None
) -> bytes | None:
    """The kept PDF when nothing that is printed has changed, else None."""
    key = plan_pdf_cache_key(plan=plan, options=options)
    fingerprint = plan_pdf_fingerprint(plan=plan, options=options, mentor=mentor)
    try:
        cached = cache.get(key)
    except Exception:  # the cache is a speed-up: a Redis outage must not stop printing
        logger.warning("PDF cache could not be read", exc_info=True)
        return None
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == fingerprint:
        return cached[1]
    return None


def plan_pdf_render_and_keep(
    *, plan: Plan, options: PrintOptions, mentor: Mentor | None = None
) -> bytes:
    """Render the PDF now, and keep it in its slot for the next request."""
    printed = pdf.plan_pdf_render(plan=plan, options=options, mentor=mentor)
    fingerprint = plan_pdf_fingerprint(plan=plan, options=options, mentor=mentor)
    try:
        cache.set(
            plan_pdf_cache_key(plan=plan, options=options), (fingerprint, printed), CACHE_SECONDS
        )
    except Exception:
        logger.warning("PDF cache could not be written", exc_info=True)
    return printed


def plan_pdf_bytes(*, plan: Plan, options: PrintOptions, mentor: Mentor | None = None) -> bytes:
    """The PDF, from the cache when nothing that is printed has changed."""
    cached = plan_pdf_cached(plan=plan, options=options, mentor=mentor)
    if cached is not None:
        return cached
    return plan_pdf_render_and_keep(plan=plan, options=options, mentor=mentor)
