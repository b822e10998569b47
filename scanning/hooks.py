"""How scanning plugs into the rest: plan usage, resource transfer, webhook payloads."""


def install():
    from accounts.services.users import register_transferable
    from organizations.services.limits import register_usage
    from scanning.models import Scan, Schedule, Target
    from scanning.services.targets import ip_usage

    register_usage("number_of_ips", ip_usage)
    for model in (Target, Schedule, Scan):
        register_transferable(model, "created_by")
    _register_event_forms()


def _register_event_forms():
    """Webhook payloads carry these resources in their API form."""
    from events.registry import register_serializer
    from scanning.models import PortList, Scan, Scanner, ScanRun, Schedule, Target

    for model in (Scan, ScanRun, Target, Schedule, PortList, Scanner):  # imported when an event needs one
        register_serializer(model, f"scanning.api.serializers.{model.__name__}Serializer")
