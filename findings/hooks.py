"""How findings plugs into the rest (called from FindingsConfig.ready)."""


def install():
    from events.registry import register_pci_verdict_source, register_serializer
    from findings.models import FindingException
    from findings.services.pci import last_passing_pci_runs

    register_pci_verdict_source(last_passing_pci_runs)
    # exception_created / exception_expired webhooks carry the exception in its API form.
    register_serializer(FindingException, "findings.api.serializers.ExceptionSerializer")
