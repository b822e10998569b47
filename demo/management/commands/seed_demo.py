from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create (idempotently) the demo data: a staff organization with an Admin, a partner with one "
        "customer organization, users of each role and an API key; prints the credentials."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-password-123", help="password of every demo user")

    def handle(self, *args, **options):
        result = seed_demo(options["password"])
        self.stdout.write(f"Demo users (password: {options['password']}):")
        for user in result["users"]:
            self.stdout.write(f"  {user.username:<18} {user.role:<8} {user.organization.name}")
        if result["api_key"]:
            self.stdout.write(f"Demo API key (X-API-KEY), shown once: {result['api_key']}")
        else:
            self.stdout.write("Demo API key: already created earlier (see README to make a new one)")
