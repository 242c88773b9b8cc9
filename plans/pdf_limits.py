"""Limits on making PDFs, so printing cannot be used to slow the site for everyone.

A fresh PDF takes about a second of a worker's time; a kept one costs
almost nothing and is never limited. Fresh renders are limited per client
and per plan (PDF_RENDERS_PER_MINUTE each), and each process renders at
most PDF_RENDERS_AT_ONCE at a time: a request that finds every slot taken
is told at once to try again, instead of holding a thread that pages need.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest

from config import ratelimit
from plans.models import Plan

_slots = threading.BoundedSemaphore(max(1, settings.PDF_RENDERS_AT_ONCE))


def pdf_render_allowed(*, request: HttpRequest, plan: Plan) -> bool:
    """Count one fresh render for this client and this plan; False when over the limit."""
    limit = settings.PDF_RENDERS_PER_MINUTE
    by_client = ratelimit.hit(scope="pdf-client", who=ratelimit.client_of(request), limit=limit)
    by_plan = ratelimit.hit(scope="pdf-plan", who=str(plan.pk), limit=limit)
    return by_client and by_plan


@contextmanager
def pdf_render_slot() -> Iterator[bool]:
    """True with a free render slot of this process (held until the block ends), else False."""
    got = _slots.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            _slots.release()
