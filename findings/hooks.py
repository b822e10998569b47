"""How findings plugs into the rest (called from FindingsConfig.ready)."""


def install():
    from events.registry import register_pci_verdict_source
    from findings.services.pci import last_passing_pci_runs

    register_pci_verdict_source(last_passing_pci_runs)
