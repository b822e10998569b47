"""Demo scanning data: a target for this machine and a scan of it, for the customer's Manager."""

from scanning.models import PortList, Scan, Scanner, ScanProfile, Target


def seed_scanning_demo(result):
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
