"""The load test's data and its consistency check. Seeding: the demo plan catalogue, a platform API
key, partners with customer organizations (each subscribed to VRMS Standard, allowed to scan its
own loopback /24), a Manager, a User and a Viewer per organization, targets and scans. The check:
what the clients were told they created is what the database holds, no more and no less."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from benchmarks.load_client import Account

PRODUCT = "vrms"
TARGETS_PER_ORGANIZATION = 20
SCANS_PER_ORGANIZATION = 10


@transaction.atomic
def seed(organizations, password):
    from accounts.models import User
    from accounts.services.api_keys import create_api_key
    from demo.seed import _subscribe_demo
    from organizations.catalogue import seed_catalogue
    from organizations.models import Organization
    from organizations.services import staff_organization
    from scanning.models import PortList, Scan, Scanner, ScanProfile, Target

    seed_catalogue()
    staff = staff_organization()
    _key, api_key = create_api_key(name="Load test platform key", organization=staff)
    hashed = make_password(password)  # one Argon2 hash for every user: seeding stays fast
    port_list = PortList.objects.get(predefined=True, name="Top 100 TCP")
    profile, scanner = ScanProfile.objects.get(name="Full and fast"), Scanner.objects.get(predefined=True, type="builtin")
    partners = [Organization.objects.create(name=f"Load partner {n}", company_name="Load", partner=True)
                for n in range(2)]
    accounts = []
    for n in range(organizations):
        prefix = f"127.0.{n + 1}."
        organization = Organization.objects.create(
            name=f"Load customer {n}", company_name="Load", parent=partners[n % 2],
            scan_allowed_networks=f"{prefix}0/24",
        )
        _subscribe_demo(organization, ("vrms-standard",))
        users = [User.objects.create(username=f"load-{role.lower()}-{n}", role=role, organization=organization,
                                     password=hashed, confirmed=True, active_product=PRODUCT,
                                     email=f"load-{role.lower()}-{n}@example.com")
                 for role in ("Manager", "User", "Viewer")]
        accounts += [Account(u.username, password, u.role, str(organization.pk), prefix) for u in users]
        targets = [Target.objects.create(organization=organization, product=PRODUCT, name=f"target-{n}-{t}",
                                         hosts=f"{prefix}{t % 16 + 1}", host_count=1, port_list=port_list,
                                         created_by=users[0], alive_test="consider_alive")
                   for t in range(TARGETS_PER_ORGANIZATION)]
        for s in range(SCANS_PER_ORGANIZATION):
            Scan.objects.create(organization=organization, product=PRODUCT, name=f"scan-{n}-{s}",
                                target=targets[s], scan_profile=profile, scanner=scanner, created_by=users[0])
    return accounts, api_key


def earlier_sessions(accounts, clients, signing_in):
    """Bearer tokens of the clients that signed in before the test (None for those that sign in
    during it: every n-th client, n = 1 / signing_in)."""
    from accounts.models import User
    from accounts.services.tokens import issue_session_token

    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    every = round(1 / signing_in) if signing_in > 0 else 0
    return [None if every and n % every == 0 else issue_session_token(users[accounts[n % len(accounts)].username])[0]
            for n in range(clients)]


def check(results):
    """A list of inconsistencies (empty when the database holds exactly what clients saw)."""
    from scanning.models import Scan, ScanRun, Target

    problems = []
    targets = {str(pk): (str(org), name) for pk, org, name in
               Target.objects.filter(name__startswith="load-").values_list("pk", "organization_id", "name")}
    if set(targets) != set(results.created_targets):
        problems.append(f"targets: {len(results.created_targets)} created by clients, {len(targets)} in the "
                        f"database ({len(set(targets) - set(results.created_targets))} unknown, "
                        f"{len(set(results.created_targets) - set(targets))} missing)")
    for pk, organization in results.created_targets.items():
        stored = targets.get(pk)
        if stored and (stored[0] != organization or stored[1] != results.target_names[pk]):
            problems.append(f"target {pk}: stored {stored}, clients saw {(organization, results.target_names[pk])}")
    scans = {str(pk): str(org) for pk, org in Scan.objects.filter(name__startswith="load-").values_list(
        "pk", "organization_id")}
    if scans != results.created_scans:
        problems.append(f"scans: {len(results.created_scans)} created by clients, {len(scans)} in the database "
                        "(or in another organization)")
    runs = {}
    for scan_id in ScanRun.objects.filter(scan__name__startswith="load-").values_list("scan_id", flat=True):
        runs[str(scan_id)] = runs.get(str(scan_id), 0) + 1
    if runs != dict.fromkeys(results.started_scans, 1):
        problems.append(f"runs: {len(results.started_scans)} scans started by clients; the database has runs for "
                        f"{len(runs)} scans, {sum(runs.values())} runs")
    return problems
