"""config/postgresql: Django's PostgreSQL backend with a health check that
looks at the socket before it asks the server."""

import pytest
from django.db import OperationalError, close_old_connections, connection, connections

from config.postgresql.base import DatabaseWrapper
from tests.helpers import wait_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend is PostgreSQL's"
)


def on_another_connection(sql: str, params: list) -> tuple:
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        other.close()


def last_query_of(pid: int) -> str:
    """What the server last ran for a connection, as a second connection sees it."""
    return on_another_connection("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])[0]


def closed_by_the_server() -> int:
    """Open the connection, have the server end it, and wait until its socket says so.

    Returns the ended connection's server process id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    pid = connection.connection.info.backend_pid
    on_another_connection("SELECT pg_terminate_backend(%s)", [pid])
    assert wait_for(lambda: not connection.is_usable(), timeout=10)
    return pid


def test_settings_use_the_backend_with_health_checks():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_an_open_idle_connection_is_usable_without_a_round_trip():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the check'")
    pid = connection.connection.info.backend_pid

    assert connection.is_usable()
    assert last_query_of(pid) == "SELECT 'before the check'"

    # Django's own check asks the server, and the server's record shows it:
    # so the line above would have seen a round trip.
    assert super(DatabaseWrapper, connections["default"]).is_usable()
    assert last_query_of(pid) == "SELECT 1"


@pytest.mark.django_db(transaction=True)
def test_a_connection_closed_by_the_server_is_replaced_before_the_next_request():
    pid = closed_by_the_server()

    # What Django does at the start of each request, then the request's query.
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_without_the_socket_check_the_closed_connection_fails_the_request():
    """The case the health check exists for: shows the test above can fail."""
    closed_by_the_server()

    # No close_old_connections, so no check ran: the query meets the closed socket.
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT 2")
    connection.close()


@pytest.mark.django_db
def test_statements_run_often_are_kept_prepared_by_the_server():
    from plans import selectors

    for _ in range(6):
        selectors.plan_by_key("no-such-key")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "plans_plan"' in statement for statement in prepared), prepared
