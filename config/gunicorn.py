"""gunicorn settings for every environment (`make run`, the benchmark, Kubernetes).

Run as: gunicorn --config config/gunicorn.py config.wsgi
"""

import os
import re
import signal
from typing import Any

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request gets this long before its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Longer than the load balancer's idle timeout (60 s on most), so the
# balancer, never gunicorn, closes idle connections: no request is sent
# down a socket that is closing.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Heartbeat files in memory, not on a disk that may stall (or be read-only).
_SHM = "/dev/shm"  # noqa: S108 - a memory-backed folder, written only by gunicorn
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Paths that carry a private key or token: the key is replaced in logs.
_PRIVATE_PATH = re.compile(r"/(p|i|r|cal|u)/[^/?\s\"]+")


def redact(text: str) -> str:
    return _PRIVATE_PATH.sub(lambda m: f"/{m.group(1)}/[private]", text)


class RedactingLogger(Logger):
    """Access log lines with private links blanked out and no query strings."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms["U"])
        method, _, rest = atoms["r"].partition(" ")
        target, _, protocol = rest.partition(" ")
        atoms["r"] = f"{method} {redact(target.split('?', 1)[0])} {protocol}"
        atoms["q"] = ""
        atoms["f"] = "-"  # the referrer may hold a private link too
        return atoms


logger_class = RedactingLogger


def post_worker_init(worker: Any) -> None:
    """Start failing readiness the moment this worker is told to stop."""
    from config.lifecycle import start_draining

    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        start_draining()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)
