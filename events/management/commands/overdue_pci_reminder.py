from django.core.management.base import BaseCommand

from events.services.pci import send_reminders


class Command(BaseCommand):
    help = ("Remind every organization whose last passing PCI scan is older than PCI_SCAN_WINDOW_DAYS "
            "(run daily, e.g. from cron; at most one reminder per organization per day).")

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_reminders()} overdue PCI reminder(s).")
