"""Health endpoints for load balancers and Kubernetes probes.

Neither view touches the session, sets a cookie or writes to the database.

Ready means "this instance can serve pages": the database answers and
shutdown has not begun. The broker (Redis) is reported in the body and the
log but never fails readiness: pages do not wait on it (DESIGN.md), and a
Redis outage failing every instance's probe would take the whole site down
while reminders only need to catch up later.
"""

import logging
import os

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.lifecycle import is_draining

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    if settings.REDIS_URL:
        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
            )
            return bool(client.ping())
        except redis.RedisError:
            return False
    folder = str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    if is_draining():
        return JsonResponse({"status": "unavailable", "failed": ["shutting_down"]}, status=503)
    if not _database_ok():
        return JsonResponse({"status": "unavailable", "failed": ["database"]}, status=503)
    if not _broker_ok():
        logger.warning("readyz: the broker does not answer; pages are served, reminders wait")
        return JsonResponse({"status": "ok", "degraded": ["broker"]})
    return JsonResponse({"status": "ok"})
