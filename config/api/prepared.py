"""Statements a request runs every time, prepared once per database connection (PostgreSQL).

Django's psycopg cursors write parameters into the SQL text, so PostgreSQL parses and plans every
statement anew. For the statements every request runs with the same text (the authentication
statement, a list's compiled rows query), planning cost more server CPU than running them: the
authentication statement ~0.8 ms planned, ~0.08 ms prepared. A `prepared_cursor` sends the
parameters separately (server-side binding) and has PostgreSQL prepare the statement the first
time a connection runs it (psycopg keeps up to 100 per connection, least recently used dropped).

It is a Django cursor like any other: queries are logged and counted (`assertNumQueries`, the
query-count pins) and database errors are Django's. Other databases get a plain cursor.

Prepared statements live in a server session, so nothing is prepared on a connection closed after
each request (`DATABASE_CONN_MAX_AGE=0`, as behind PgBouncer in transaction mode, unless Django's
pool is on); `DATABASE_PREPARED_STATEMENTS=false` turns them off (docs/deployment.md). A statement
whose result columns a migration changed is prepared again and rerun at once (inside a transaction,
which the error aborts, it fails once per connection)."""

import sys

from django.conf import settings

_cursor_class = None


def preparing_cursor_class():
    """Django's server-binding psycopg cursor, preparing every statement it runs."""
    global _cursor_class
    if _cursor_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor
        from psycopg.errors import FeatureNotSupported

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                # Django turns psycopg's automatic preparing off (prepare_threshold None), which
                # also disables an explicit prepare; lift it for this statement only, so that no
                # other statement is ever prepared or counted towards preparing.
                connection = self.connection
                threshold = connection.prepare_threshold
                connection.prepare_threshold = sys.maxsize if threshold is None else threshold
                try:
                    try:
                        result = super().execute(query, params, prepare=True, binary=binary)
                    except FeatureNotSupported:
                        # "cached plan must not change result type": a migration changed a column
                        # the statement reads. psycopg would run the stale statement again and
                        # again: forget this connection's statements. Outside a transaction the
                        # statement is simply prepared and run again (the caller never sees it);
                        # inside one the transaction is already aborted, so the error stands.
                        # Inside a transaction, its rollback deallocates them on the server.
                        connection._prepared.clear()
                        if not connection.autocommit:
                            raise
                        connection.wait(connection._prepared.maintain_gen(connection))  # DEALLOCATE ALL now,
                        # not after the rerun (which would drop the statement the rerun prepares)
                        result = super().execute(query, params, prepare=True, binary=binary)
                finally:
                    connection.prepare_threshold = threshold
                self._query = LoggedQuery(connection, query, params)
                return result

        _cursor_class = PreparingCursor
    return _cursor_class


class LoggedQuery:
    """The statement as Django's query log reads it from a cursor (`cursor._query.query`, which
    a server-binding cursor leaves empty): its text with the values in, written when read."""

    __slots__ = ("connection", "sql", "params")

    def __init__(self, connection, sql, params):
        self.connection, self.sql, self.params = connection, sql, params

    @property
    def query(self):
        from psycopg import ClientCursor

        return ClientCursor(self.connection).mogrify(self.sql, self.params).encode()


def prepares(connection):
    """PostgreSQL, prepared statements not turned off, and a connection that outlives the request
    (`CONN_MAX_AGE` not 0, or a pool): preparing on a connection used once costs a round trip more."""
    if connection.vendor != "postgresql" or not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True):
        return False
    return connection.settings_dict.get("CONN_MAX_AGE") != 0 or bool(connection.settings_dict["OPTIONS"].get("pool"))


def prepared_cursor(connection):
    """A cursor (use it as `with prepared_cursor(connection) as cursor:`) whose statements are
    prepared on PostgreSQL; a plain `connection.cursor()` elsewhere. Parameters must be typed as
    the ORM passes them (UUID, datetime, int, bool; str is left for the server to infer)."""
    if not prepares(connection):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = preparing_cursor_class()(connection.connection)
        _use_connection_timezone(connection, cursor)
        return connection._prepare_cursor(cursor)  # Django's wrapper: logging, execute_wrappers


def _use_connection_timezone(connection, cursor):
    """As Django's `create_cursor`: timestamps read in the connection's time zone."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Format
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    if connection.timezone != connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
        register_tzloader(connection.timezone, cursor)
