"""The Celery app. Its settings live in config/settings.py under CELERY_*."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("littlesteps")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_queue_folder(sender: Celery, **kwargs: object) -> None:
    # The file-system broker of `make run` needs its folders to exist.
    options = sender.conf.broker_transport_options
    for name in ("data_folder_in", "control_folder"):
        if options.get(name):
            os.makedirs(options[name], exist_ok=True)


@setup_logging.connect
def _log_as_the_web_server_does(**kwargs: Any) -> None:
    """The worker and beat log through Django's LOGGING (config/logs.py), not
    Celery's own handlers: one format, one UTC clock, and every record redacted.
    LOG_LEVEL sets the level, as for the web server."""
    from celery.utils.log import get_multiprocessing_logger
    from django.conf import settings

    from config.logs import configure

    configure(settings.LOGGING)
    # The pool's own errors ("Process ... exited") go to a logger that passes
    # nothing up to the root: it writes through the same handlers, errors
    # only, as Celery's own set-up has it.
    pool_logger = get_multiprocessing_logger()
    if pool_logger is not None:
        pool_logger.handlers = list(logging.getLogger().handlers)
        pool_logger.setLevel(logging.ERROR)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(**kwargs: Any) -> None:
    """What Django does around every request, around every task.

    Workers keep their database connection between tasks (CELERY_DB_REUSE_MAX).
    Without this, a connection the database dropped (a restart, a failover,
    pg_terminate_backend) was used again by every task after it, and each
    failed until the worker was restarted. Now a broken or too old connection
    is closed, and the next query checks its connection first
    (CONN_HEALTH_CHECKS) and opens a new one if needed.
    """
    from django.db import close_old_connections

    close_old_connections()
