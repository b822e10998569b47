"""How scanning plugs into the rest: plan usage, resource transfer, demo data."""


def install():
    from accounts.services.users import register_transferable
    from organizations.services.limits import register_usage
    from organizations.demo import DEMO_STEPS
    from scanning.demo import seed_scanning_demo
    from scanning.models import Scan, Schedule, Target
    from scanning.services.targets import ip_usage

    register_usage("number_of_ips", ip_usage)
    for model in (Target, Schedule, Scan):
        register_transferable(model, "created_by")
    DEMO_STEPS.append(seed_scanning_demo)
