"""Demo data for the README's run command and for trying the API by hand. Idempotent."""

from django.db import transaction

from accounts.models import ApiKey, User
from accounts.services.api_keys import create_api_key
from organizations.catalogue import seed_catalogue
from organizations.models import Organization, Plan
from organizations.services import staff_organization
from organizations.services.limits import live_subscription
from organizations.services.subscriptions import PlanRequest, subscribe
from scanning.models import PortList, Scan, Scanner, ScanProfile, Target

DEMO_KEY_NAME = "Demo key"
DEMO_SCAN_ALLOWANCE = "127.0.0.1/32"


def _user(username, role, organization, password):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "organization": organization, "email": f"{username}@example.com",
                  "confirmed": True, "first_name": username.split("_")[0].title(), "last_name": "Demo"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_demo(password):
    seed_catalogue()
    staff = staff_organization()
    partner, _ = Organization.objects.get_or_create(
        name="Demo Partner", defaults={"company_name": "Demo Partner Ltd", "partner": True, "country": "Greece"}
    )
    customer, _ = Organization.objects.get_or_create(
        name="Demo Customer", defaults={"company_name": "Demo Customer Inc", "parent": partner, "country": "Greece"}
    )
    if not customer.scan_allowed_networks:  # the README's demo scans this machine; nobody else may
        customer.scan_allowed_networks = DEMO_SCAN_ALLOWANCE
        customer.save(update_fields=["scan_allowed_networks", "updated_at"])
    admin = _user("admin", "Admin", staff, password)
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    users = [
        admin,
        _user("partner", "Partner", partner, password),
        _user("manager", "Manager", customer, password),
        _user("user", "User", customer, password),
        _user("viewer", "Viewer", customer, password),
    ]
    _subscribe_demo(partner, ("pci-partner", "vrms-standard"))
    _subscribe_demo(customer, ("pci-standard", "vrms-standard"))
    secret = None
    # An organization key of the staff organization: it never authenticates alone (a key issued
    # to `admin` would let anyone holding it act as the Admin). Older demos issued it to admin.
    ApiKey.objects.filter(name=DEMO_KEY_NAME, organization=staff, user__isnull=False).update(user=None)
    if not ApiKey.objects.filter(name=DEMO_KEY_NAME, organization=staff).exists():
        _key, secret = create_api_key(name=DEMO_KEY_NAME, organization=staff)
    result = {"users": users, "api_key": secret, "partner": partner, "customer": customer, "staff": staff}
    _seed_scanning(result)
    return result


def _subscribe_demo(organization, plan_codes):
    for plan in Plan.objects.select_related("product").filter(code__in=plan_codes):
        if live_subscription(organization, plan.product.code) is None:
            subscribe(None, organization, PlanRequest(plan=plan, auto_renewal=True))


def _seed_scanning(result):
    """A target for this machine and a scan of it, for the customer's Manager."""
    manager = next(u for u in result["users"] if u.username == "manager")
    organization = result["customer"]
    port_list = PortList.objects.get(predefined=True, name="Top 100 TCP")
    target, _ = Target.objects.get_or_create(
        organization=organization, product="pci", name="This machine (demo)",
        defaults={"hosts": "127.0.0.1", "host_count": 1, "port_list": port_list, "created_by": manager,
                  "alive_test": "consider_alive", "comment": "Scans the demo server itself."},
    )
    Scan.objects.get_or_create(
        organization=organization, product="pci", name="Demo scan",
        defaults={"target": target, "scan_profile": ScanProfile.objects.get(name="Full and fast"),
                  "scanner": Scanner.objects.get(predefined=True, type="builtin"), "created_by": manager},
    )
