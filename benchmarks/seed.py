"""Bulk seeding for the list benchmarks: `rows` organizations in a partner tree and `rows` users
spread over them, plus the callers (a platform Admin and a Partner) with the credentials a real
client sends: the platform API key and a bearer token from a real session."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services.api_keys import create_api_key
from accounts.services.tokens import issue_session_token
from organizations.models import Organization
from organizations.services import staff_organization
from organizations.services.tree import rebuild as rebuild_tree
from organizations.services.tree import subtree

BATCH = 1000
PARTNER_GROUP = 100  # every 100th organization is a partner over the next 99
ROLES = ("Manager", "User", "Viewer", "User")


@dataclass
class Caller:
    name: str
    user: object
    headers: dict = field(default_factory=dict)


@dataclass
class Seeded:
    admin: Caller
    partner: Caller
    partner_scope: object  # the partner's reach, as the product computes it (a subquery)
    api_key: str = ""  # the platform key's secret


def seed(rows):
    """`rows` organizations (the first is the benchmark Partner with rows/20 customers; the rest
    in groups of a partner and its 99 customers) and `rows` users, user i in organization i."""
    tree = max(rows // 20, 2)
    with transaction.atomic():
        staff = staff_organization()
        organizations = _organizations(rows, tree)
        partner_org = organizations[0]
        _users(rows, organizations)
        admin = User.objects.create(
            username="bench-admin", email="admin@bench.test", role="Admin", organization=staff,
            confirmed=True, is_staff=True, is_superuser=True, password=make_password(None),
        )
        partner = User.objects.create(
            username="bench-partner", email="partner@bench.test", role="Partner", organization=partner_org,
            confirmed=True, password=make_password(None),
        )
        _key, secret = create_api_key(name="Benchmark platform key", organization=staff)
    return Seeded(
        admin=_caller("Admin", admin, secret),
        partner=_caller("Partner", partner, secret),
        partner_scope=subtree(partner_org.pk), api_key=secret,
    )


def _caller(name, user, api_key):
    token, _session = issue_session_token(user)
    return Caller(name, user, {"HTTP_X_API_KEY": api_key, "HTTP_AUTHORIZATION": f"Bearer {token}"})


def _organizations(rows, tree):
    organizations = []
    for i in range(rows):
        if i == 0 or (i >= tree and (i - tree) % PARTNER_GROUP == 0):
            parent = None
        elif i < tree:
            parent = organizations[0]
        else:
            parent = organizations[i - (i - tree) % PARTNER_GROUP]
        organizations.append(Organization(
            name=f"Organization {i:05d}", company_name=f"Company {i:05d} Ltd", partner=parent is None,
            description="Seeded for the list benchmark" if i % 3 else "",
            parent_id=parent.pk if parent else None,
            city="Berlin" if i % 2 else "", country="DE" if i % 2 else "", address=f"Street {i}",
            phone="+49 30 1234567" if i % 4 else "", email=f"org{i}@bench.test",
        ))
    Organization.objects.bulk_create(organizations, batch_size=BATCH)
    rebuild_tree()  # bulk_create bypasses save(), which keeps the partner tree
    return organizations


def _users(rows, organizations):
    password = make_password("bench-password-not-used")
    now = timezone.now()
    users = [
        User(
            username=f"user{i:05d}", email=f"user{i:05d}@bench.test", password=password,
            role=ROLES[i % len(ROLES)], organization=organizations[i % len(organizations)],
            first_name=f"First{i}", last_name=f"Last{i}" if i % 5 else "", confirmed=bool(i % 7),
            sign_in_count=i % 40, last_sign_in_at=now - timedelta(minutes=i) if i % 2 else None,
            last_sign_in_ip="192.0.2.10" if i % 2 else None, otp_totp_enabled=not i % 11,
        )
        for i in range(rows)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
