from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`). It sits above the domain apps and calls their
    services; no domain app imports it."""

    name = "demo"
