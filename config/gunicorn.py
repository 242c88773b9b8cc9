"""gunicorn settings for every environment (`make run`, the benchmark, Kubernetes).

Run as: gunicorn --config config/gunicorn.py config.wsgi
"""

import gc
import os
import signal
import threading
from collections.abc import MutableMapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast

from gunicorn.glogging import Logger

from config.logs import RedactingFilter, UTCFormatter, redact, redact_path

if TYPE_CHECKING:
    from gunicorn.glogging import _AtomsDict

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
# On SIGTERM, readiness fails at once but requests are still served for this
# long before the graceful stop, so a load balancer's health checks notice
# and stop sending while the socket is still open. In Kubernetes the preStop
# sleep covers most of it; the same wait protects any other balancer.
DRAIN_SECONDS = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "5"))
# Heartbeat files in memory, not on a disk that may stall (or be read-only).
# A memory-backed folder, written only by gunicorn.
_SHM = "/dev/shm"  # noqa: S108  # nosec B108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket (recent gunicorn opens ~/.gunicorn/gunicorn.ctl by
# default): nothing uses it, the home folder is read-only in the container,
# and instances side by side would share one path.
control_socket_disable = True


class RedactingLogger(Logger):
    """Access log lines with private links blanked out and no query strings.

    Every text atom is redacted, not only the request line and path, so a
    custom GUNICORN access format using a header or environ atom (a redirect's
    Location, RAW_URI) cannot leak a key either. Referrers and query strings
    are dropped whole.
    """

    _DROPPED: ClassVar[dict[str, str]] = {
        "f": "-",
        "{referer}i": "-",
        "{http_referer}e": "-",
        "q": "",
        "{query_string}e": "",
    }

    def atoms(
        self, resp: Any, req: Any, environ: MutableMapping[str, Any], request_time: timedelta
    ) -> "_AtomsDict":
        # A plain dict: gunicorn adds an atom per header and environ variable
        # ("{referer}i", "{raw_uri}e"), which the stubs' TypedDict does not list.
        atoms = cast(dict[str, Any], super().atoms(resp, req, environ, request_time))
        path = redact_path(environ.get("PATH_INFO") or "/")
        method, _, rest = atoms["r"].partition(" ")
        protocol = rest.rpartition(" ")[2]
        atoms["r"] = f"{method} {path} {protocol}"
        atoms["U"] = path
        if "{raw_uri}e" in atoms:
            atoms["{raw_uri}e"] = str(atoms["{raw_uri}e"]).split("?", 1)[0]
        for name in list(atoms):
            if isinstance(atoms[name], str) and name not in ("r", "U"):
                atoms[name] = redact(atoms[name])
        for name, blank in self._DROPPED.items():
            if name in atoms:
                atoms[name] = blank
        return cast("_AtomsDict", atoms)

    def setup(self, cfg: Any) -> None:
        # The error log too ("Error handling request POST /p/<key>/delete/").
        # Both logs write the app's own line, with its UTC clock (config.logs).
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactingFilter())
                handler.setFormatter(UTCFormatter())


logger_class = RedactingLogger


def when_ready(server: Any) -> None:
    """Turn the master's SIGTERM into: fail readiness, keep serving, then stop.

    gunicorn alone stops at once on SIGTERM: its workers close the listening
    socket while a balancer may still be sending. Here the first SIGTERM
    makes /readyz fail in every worker at once (a flag in memory shared with
    them) and schedules the normal graceful stop DRAIN_SECONDS later; a
    second SIGTERM starts that graceful stop at once (requests in flight
    still get the graceful timeout). SIGINT and SIGQUIT keep their quick stop.

    Runs in the master before the first worker is forked, so the flag's
    shared memory exists before any worker does.
    """
    from config.lifecycle import is_draining, start_draining

    graceful_stop = server.handle_term  # raises StopIteration: the arbiter halts

    def handle_term() -> None:
        if is_draining() or DRAIN_SECONDS <= 0:
            start_draining()
            graceful_stop()
            return
        start_draining()
        server.log.info("Draining: /readyz fails now, graceful stop in %ss", DRAIN_SECONDS)
        timer = threading.Timer(DRAIN_SECONDS, server.signal, args=(signal.SIGTERM, None))
        timer.daemon = True
        timer.start()

    server.handle_term = handle_term


def post_worker_init(worker: Any) -> None:
    """Leave what the worker loaded at start out of the collector's full passes.

    Django and the app leave some hundred thousand objects that live as
    long as the worker. Python's full garbage collection walks them all, and
    under load that pass held every thread of the worker for about 60 ms,
    every few seconds: the slowest requests of bench/pages.py. Frozen, they
    are never walked again, and a full pass takes a few milliseconds.
    """
    gc.collect()
    gc.freeze()
