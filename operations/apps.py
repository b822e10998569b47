from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What runs the platform over time: the one list of periodic jobs and `run_scheduler`. It sits
    above the domain apps (it calls their services); no domain app imports it."""

    name = "operations"
