from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services.api_keys import create_api_key
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Create an X-API-KEY credential for a user (a service account) or an organization. "
        "The key is printed alone on the last line; it is stored hashed and cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="username the key signs in as (its organization owns the key)")
        parser.add_argument("--organization", help="organization id or exact name (when no --user)")
        parser.add_argument("--name", required=True, help="a label for the key")
        parser.add_argument("--allowed-networks", default="", help="comma-separated CIDRs the key may be used from")

    def handle(self, *args, **options):
        user = organization = None
        if options["user"]:
            user = User.objects.select_related("organization").filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}")
            organization = user.organization
        elif options["organization"]:
            value = options["organization"]
            organization = Organization.objects.filter(name=value).first()
            if organization is None:
                try:
                    organization = Organization.objects.filter(pk=value).first()
                except Exception:
                    organization = None
            if organization is None:
                raise CommandError(f"No organization {value!r}")
        else:
            raise CommandError("Give --user USERNAME or --organization ID_OR_NAME")
        if organization is None:
            raise CommandError("The user belongs to no organization")
        from accounts.models.api_key import parse_networks

        try:
            parse_networks(options["allowed_networks"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        api_key, secret = create_api_key(
            name=options["name"], organization=organization, user=user, allowed_networks=options["allowed_networks"]
        )
        self.stderr.write(f"Created API key {api_key.name!r} ({api_key.prefix}…) for {user or organization}.")
        self.stdout.write(secret)
