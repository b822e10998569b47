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
    from scanning.api import serializers as s
    from scanning.models import PortList, Scan, Scanner, ScanRun, Schedule, Target

    for model, serializer in ((Scan, s.ScanSerializer), (ScanRun, s.ScanRunSerializer), (Target, s.TargetSerializer),
                              (Schedule, s.ScheduleSerializer), (PortList, s.PortListSerializer),
                              (Scanner, s.ScannerSerializer)):
        register_serializer(model, serializer)
