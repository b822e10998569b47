"""How scanning plugs into the rest: plan usage, resource transfer, demo data."""


def install():
    from accounts.services.users import register_transferable
    from organizations.services.limits import register_usage
    from scanning.models import Scan, Schedule, Target
    from scanning.services.targets import ip_usage

    register_usage("number_of_ips", ip_usage)
    for model in (Target, Schedule, Scan):
        register_transferable(model, "created_by")
