"""The Celery app. Its settings live in config/settings.py under CELERY_*."""

import os

from celery import Celery

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
