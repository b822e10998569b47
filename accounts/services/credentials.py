"""A bearer token and the API key sent with it, checked in one database round trip.

A client's request carries both (`X-API-KEY` + `Authorization: Bearer`). Looked up one after the
other they cost two round trips (and a third for an organization's key: "is the user's
organization below the key's?") before the request does any work. Here one statement reads the
key with its organization's staff flag, the live session with its user, and that tree question.
Nothing is cached, so a revoked key or session, or a deactivated user, is refused by the very
next request on every process.

The statement is written once per database connection from the models' own metadata, and its
values go through the ORM's converters (UUIDs and datetimes on SQLite), so the objects returned
are the model instances the separate lookups would give."""

import weakref
from dataclasses import dataclass

from django.db import connections
from django.db.models.sql import Query
from django.utils import timezone

from accounts.models import ApiKey, SessionToken, User
from config.api.prepared import prepared_cursor


@dataclass
class KeyAndSession:
    api_key: ApiKey
    session: SessionToken | None  # None: no live session with that id (revoked, expired, unknown)
    key_covers_user: bool  # the key may be sent by this session's user (api_keys.key_covers_user)


@dataclass(frozen=True)
class _Statement:
    sql: str
    leading_params: list  # of the product expression, before the statement's own parameters
    compiler: object  # applies the ORM's converters, for this connection
    converters: dict


_statements = weakref.WeakKeyDictionary()  # one per connection (connections are per thread)


def _columns(model, alias, quote):
    fields = list(model._meta.concrete_fields)
    return fields, [f"{alias}.{quote(field.column)}" for field in fields]


def _statement(connection):
    statement = _statements.get(connection)
    if statement is None:
        statement = _statements[connection] = _write_statement(connection)
    return statement


def _write_statement(connection):
    from organizations.models import Organization, OrganizationLink
    from organizations.services.products import current_product_sql

    quote = connection.ops.quote_name
    table = {model: quote(model._meta.db_table) for model in (ApiKey, SessionToken, User, Organization,
                                                                OrganizationLink)}
    key_fields, key_columns = _columns(ApiKey, "k", quote)
    session_fields, session_columns = _columns(SessionToken, "s", quote)
    user_fields, user_columns = _columns(User, "u", quote)
    staff, org_id, user_org = (quote("is_staff_organization"), quote("organization_id"), quote("organization_id"))
    # the user's product context (User.current_product), which scoped lists read next
    product, product_params = current_product_sql("u", quote)
    # Only quoted table and column names from the models go into the text; values are parameters.
    sql = (
        f"SELECT {', '.join(key_columns + session_columns + user_columns)}, o.{staff}, "  # noqa: S608
        # an organization's key covers its organization and everything below (the closure table
        # holds every organization with each of its ancestors, itself included)
        f"CASE WHEN k.{quote('user_id')} IS NULL THEN (u.{user_org} = k.{org_id} OR EXISTS("
        f"SELECT 1 FROM {table[OrganizationLink]} l WHERE l.{quote('organization_id')} = u.{user_org} "
        f"AND l.{quote('ancestor_id')} = k.{org_id})) END, "
        f"CASE WHEN u.{quote('id')} IS NOT NULL THEN {product} END "
        f"FROM {table[ApiKey]} k INNER JOIN {table[Organization]} o ON o.{quote('id')} = k.{org_id} "
        f"LEFT JOIN {table[SessionToken]} s ON s.{quote('jti')} = %s AND s.{quote('revoked_at')} IS NULL "
        f"AND s.{quote('expires_at')} > %s "
        f"LEFT JOIN {table[User]} u ON u.{quote('id')} = s.{quote('user_id')} "
        f"WHERE k.{quote('key_hash')} = %s"
    )
    fields = key_fields + session_fields + user_fields
    compiler = connection.ops.compiler("SQLCompiler")(Query(None), connection, connection.alias)
    converters = compiler.get_converters([field.get_col(field.model._meta.db_table) for field in fields])
    return _Statement(sql, product_params, compiler, converters)


def find_key_and_session(key_hash, jti, *, using="default"):
    """The API key stored under `key_hash` with the live session `jti` (or None when there is no
    such key). Whether the key is usable (active, not expired, from this address) is the caller's
    check, as for `find_usable_key`."""
    connection = connections[using]
    statement = _statement(connection)
    now = timezone.now()
    params = [
        *statement.leading_params,
        SessionToken._meta.pk.get_db_prep_value(jti, connection),
        SessionToken._meta.get_field("expires_at").get_db_prep_value(now, connection),
        key_hash,
    ]
    with prepared_cursor(connection) as cursor:  # planned once per connection (config/api/prepared.py)
        cursor.execute(statement.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    current_product = values.pop()
    platform_key, covers = values.pop(-2), values.pop(-1)
    [values] = statement.compiler.apply_converters([values], statement.converters)
    key_count, session_count = len(ApiKey._meta.concrete_fields), len(SessionToken._meta.concrete_fields)
    api_key = ApiKey.from_db(using, None, values[:key_count])
    api_key.platform_key = bool(platform_key)
    session_values = values[key_count : key_count + session_count]
    if session_values[0] is None:
        return KeyAndSession(api_key, None, False)
    session = SessionToken.from_db(using, None, session_values)
    session.user = User.from_db(using, None, values[key_count + session_count :])
    session.user._current_product = current_product  # what User.current_product() would query
    if api_key.user_id is not None:
        covered = api_key.user_id == session.user_id
    else:
        covered = api_key.platform_key or bool(covers)
    return KeyAndSession(api_key, session, covered)
