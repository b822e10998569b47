"""The statements every request runs (authentication, a list's count and rows) are prepared once
per PostgreSQL connection (config/api/prepared.py), and the users and organizations lists send
their count and page in one round trip (config/api/page_rows.counted_page). What a client sees
must not depend on either, a revocation must still apply to the very next request, and an
operator can turn preparing off."""

import pytest
from django.db import connection, transaction

from accounts.api.views import UserViewSet
from accounts.services.tokens import revoke_session
from config.api.prepared import prepared_cursor
from organizations.api.views import OrganizationViewSet
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]

LISTS = [
    ("/v2/users", {"per_page": "3"}),
    ("/v2/users", {"per_page": "2", "page": "2", "sort_by": "username desc", "details": "true"}),
    ("/v2/users", {"q[username]": "member*", "q[confirmed]": "true"}),
    ("/v2/organizations", {"per_page": "3"}),
    ("/v2/organizations", {"per_page": "2", "page": "3", "sort_by": "name"}),
    ("/v2/organizations", {"q[name]": "*org*", "q[partner]": "false"}),
    ("/v2/organizations", {"page": "99"}),
]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.fixture
def callers(api, world):
    for number in range(4):
        org = OrganizationFactory(name=f"Customer org {number}", parent=world.partner_org)
        UserFactory(username=f"member{number}", organization=org, confirmed=bool(number % 2))
    return {"Admin": api.as_user(world.admin), "Partner": api.as_user(world.partner)}


@pytest.mark.parametrize("caller", ["Admin", "Partner"])
def test_lists_answer_byte_for_byte_the_same_prepared_or_not(callers, caller, settings, monkeypatch):
    client = callers[caller]
    settings.DATABASE_PREPARED_STATEMENTS = False
    for viewset in (UserViewSet, OrganizationViewSet):  # the count apart from the page, as on SQLite
        monkeypatch.setattr(viewset, "count_with_page", False)
    plain = [client.get(path, params).content for path, params in LISTS]
    assert all(body.startswith(b"{\"data\":") for body in plain), plain
    assert prepared_statements() == []
    settings.DATABASE_PREPARED_STATEMENTS = True
    monkeypatch.undo()
    for _ in range(7):  # PostgreSQL plans a prepared statement generically after five runs
        assert [client.get(path, params).content for path, params in LISTS] == plain
    assert prepared_statements(), "nothing was prepared"


def test_each_statement_is_prepared_once_per_connection(callers):
    for _ in range(10):
        assert callers["Admin"].get("/v2/organizations", {"per_page": "2"}).status_code == 200
    statements = prepared_statements()
    assert len(statements) == 3  # the authentication statement, the count and the page's rows
    assert any("accounts_apikey" in statement for statement in statements)


def test_nothing_is_prepared_on_a_connection_closed_after_each_request(callers, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    assert callers["Admin"].get("/v2/organizations").status_code == 200
    assert prepared_statements() == []


def test_a_revoked_session_is_refused_by_the_next_request(callers, world):
    client = callers["Partner"]
    for _ in range(7):
        assert client.get("/v2/users").status_code == 200
    revoke_session(world.partner.sessions.get())
    assert client.get("/v2/users").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_statement_whose_columns_changed_is_prepared_again():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE prepared_probe (value integer)")
        cursor.execute("INSERT INTO prepared_probe VALUES (7)")

    def read():
        with prepared_cursor(connection) as cursor:
            cursor.execute("SELECT value FROM prepared_probe WHERE value = %s", [7])
            return cursor.fetchall()

    assert read() == [(7,)]
    with connection.cursor() as cursor:  # as a migration would
        cursor.execute("ALTER TABLE prepared_probe ALTER COLUMN value TYPE bigint")
    assert read() == [(7,)]  # outside a transaction: prepared again and rerun, no error
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE prepared_probe ALTER COLUMN value TYPE integer")
    with pytest.raises(Exception, match="cached plan must not change result type"), transaction.atomic():
        read()  # inside a transaction the error aborts it: it stands, once
    assert read() == [(7,)]
    assert read() == [(7,)]  # and stays prepared
