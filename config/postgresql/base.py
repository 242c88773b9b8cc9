"""PostgreSQL as Django ships it, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks a kept connection "SELECT 1" before the
first query of every request, so that a connection the server has closed
(a restart, a fail-over, an idle timeout) is replaced instead of failing the
request. That round trip was a fifth of the cost of a cached plan page
(bench/pages.py).

A server that closes a connection first tells the client so, or at least
closes the socket, and either makes the socket readable. An idle connection
that is still open has nothing to read. So the socket is looked at first
(no round trip), and only a connection with something waiting on it gets
Django's own check. A connection that dies without a word on the wire
(a cable pulled) is not seen by either check until a query times out.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return True
        return super().is_usable()
