"""Stage progress as a share of the whole run, sampled a few times a second."""

import asyncio

SPANS = {"expand": (0.0, 2.0), "alive": (2.0, 10.0), "portscan": (10.0, 70.0), "services": (70.0, 100.0)}
DISCOVERY_SPANS = {**SPANS, "portscan": (10.0, 100.0), "services": (100.0, 100.0)}
CHECK_SPANS = {**SPANS, "services": (70.0, 85.0), "checks": (85.0, 100.0)}  # when the profile has families


class Progress:
    def __init__(self, emit, service_detection: bool = True, checks: bool = False):
        self.emit = emit
        self.spans = (CHECK_SPANS if checks else SPANS) if service_detection else DISCOVERY_SPANS

    def __call__(self, stage: str, fraction: float) -> None:
        start, end = self.spans[stage]
        self.emit(stage, round(start + (end - start) * min(1.0, max(0.0, fraction)), 2))

    def of(self, stage: str):
        return lambda fraction: self(stage, fraction)


async def sample(report, fraction, every: float = 0.2) -> None:
    """Report fraction() every `every` seconds until cancelled."""
    while True:
        await asyncio.sleep(every)
        report(fraction())
