from django.core.management.base import BaseCommand

from organizations.models import Organization
from organizations.services.tree import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the partner tree (who is below whom, which decides what partners see) from the "
        "organizations' parent links. Saving an organization keeps it current; run this after "
        "writing organizations in bulk outside Django (SQL imports, bulk_create)."
    )

    def handle(self, *args, **options):
        links = rebuild()
        self.stdout.write(f"Rebuilt the partner tree: {Organization.objects.count()} organizations, {links} links")
