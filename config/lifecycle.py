"""Process state shared by the readiness probe and the server's signal hooks.

When the server is told to stop (SIGTERM to the gunicorn master), readiness
fails at once in every worker while requests in flight finish, so a load
balancer stops sending new ones before the listening socket closes.

The flag lives in a page of anonymous shared memory. The gunicorn master
creates it (by importing this module) before it forks any worker, so the
master and all of its workers, old and new, read and write the same byte.
"""

import mmap


class _SharedFlag:
    """A boolean that a process and the children it forks afterwards share."""

    def __init__(self) -> None:
        # An anonymous mapping is MAP_SHARED: a fork shares it, not copies it.
        self._memory = mmap.mmap(-1, 1)

    def set(self) -> None:
        self._memory[0] = 1

    def clear(self) -> None:
        self._memory[0] = 0

    def is_set(self) -> bool:
        return self._memory[0] == 1


_draining = _SharedFlag()


def start_draining() -> None:
    _draining.set()


def is_draining() -> bool:
    return _draining.is_set()
