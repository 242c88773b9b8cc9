"""Process state shared by the readiness probe and the server's signal hooks.

When the server is told to stop (SIGTERM), readiness fails at once while
requests in flight finish, so a load balancer stops sending new ones first.
"""

import threading

_draining = threading.Event()


def start_draining() -> None:
    _draining.set()


def is_draining() -> bool:
    return _draining.is_set()
