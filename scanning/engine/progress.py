"""Stage progress as a share of the whole run, sampled a few times a second.

Each stage's share of the bar is its measured share of the time of a typical run (benchmarks/
README.md, bench_detection): the port scan of a few hosts takes a second or two, while service
detection (probes, then nmap's second opinion on what they could not name) and the checks take
most of the run. Only the stages a run will go through share the bar, so a discovery-only run
spends it all on the port scan."""

import asyncio

WEIGHTS = {"expand": 1.0, "alive": 4.0, "portscan": 25.0, "services": 35.0, "checks": 35.0}
PROBE_SHARE_WITH_NMAP = 0.4  # of the services stage: the probes; nmap's second opinion takes the rest


def spans(stages) -> dict:
    """{stage: (start %, end %)} for the stages a run goes through, in order, weighted."""
    total = sum(WEIGHTS[stage] for stage in stages)
    found, start = {}, 0.0
    for stage in WEIGHTS:
        if stage in stages:
            end = start + 100.0 * WEIGHTS[stage] / total
            found[stage] = (round(start, 2), round(end, 2))
            start = end
        else:
            found[stage] = (round(start, 2), round(start, 2))
    return found


SPANS = spans(WEIGHTS)
DISCOVERY_SPANS = spans(("expand", "alive", "portscan"))


def stages_of(plan) -> tuple:
    stages = ("expand", "alive", "portscan")
    if plan.service_detection:
        stages += ("services",)
        if plan.families:
            stages += ("checks",)
    return stages


class Progress:
    def __init__(self, emit, service_detection=True):
        """`service_detection` is a bool (with/without detection, no checks) or a plan."""
        self.emit = emit
        if isinstance(service_detection, bool):
            self.spans = spans(("expand", "alive", "portscan", "services")) if service_detection else DISCOVERY_SPANS
        else:
            self.spans = spans(stages_of(service_detection))

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
