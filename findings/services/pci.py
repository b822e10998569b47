"""The PCI verdict's source for the overdue-PCI reminder (events.md, Notifications): every
organization with a live `pci` subscription, and when its last complete PCI run passed."""

from django.db.models import Max

from findings.choices import PciStatus
from scanning.choices import RunStatus
from scanning.models import ScanRun

PCI_PRODUCT = "pci"


def last_passing_pci_runs():
    """[(organization id, finished_at of its last passing PCI run, or None)]."""
    from organizations.choices import LIVE_STATUSES
    from organizations.models import Subscription

    organization_ids = set(Subscription.objects.filter(product__code=PCI_PRODUCT, status__in=LIVE_STATUSES)
                           .values_list("organization_id", flat=True))
    passed = dict(
        ScanRun.objects.filter(organization_id__in=organization_ids, product=PCI_PRODUCT, status=RunStatus.DONE,
                               pci_status=PciStatus.PASS)
        .values("organization_id").order_by().annotate(last=Max("finished_at")).values_list("organization_id", "last")
    )
    return [(organization_id, passed.get(organization_id)) for organization_id in organization_ids]
