"""Score what a scan reported (the attributes of `GET /v2/scans/{id}/vulnerabilities`) against
what the lab planted (tests/lab/ports.py).

- a **hit**: a planted check id found on its port;
- **recall** = hits / planted weaknesses; **precision** = hits / (hits + wrong findings), where a
  wrong finding is one on a lab port that was neither planted nor allowed there (a low/log finding
  that is true but not planted is allowed and listed, counted neither way);
- a **false alarm**: a finding at medium or higher (severity >= 4.0) on a hardened port;
- **distribution builds**: with `min_qod=0`, every version-only finding on a Debian build must
  carry QoD 30 and say so in its detection text (else it would count by default).

Per family: planted weaknesses count in the family of their check (CG-CVE-* and CG-9xxx are
known_vulnerable_versions), findings in the family the API gives them."""

from dataclasses import dataclass, field

from .ports import FAMILIES, HARDENED

TARGET_RECALL = TARGET_PRECISION = 0.95
MEDIUM = 4.0
DISTRIBUTION_QOD = 30


def port_key(attributes) -> str:
    return attributes["port"]  # "443/tcp"


@dataclass
class Tally:
    planted: int = 0
    hits: int = 0
    wrong: int = 0
    false_alarms: int = 0

    @property
    def recall(self):
        return self.hits / self.planted if self.planted else None

    @property
    def precision(self):
        return self.hits / (self.hits + self.wrong) if self.hits + self.wrong else None


@dataclass
class Scorecard:
    families: dict = field(default_factory=lambda: {name: Tally() for name in FAMILIES})
    missed: list = field(default_factory=list)  # (lab port name, nvt)
    wrong: list = field(default_factory=list)  # (lab port name, nvt, severity)
    false_alarms: list = field(default_factory=list)  # (lab port name, nvt, severity)
    allowed: list = field(default_factory=list)  # (lab port name, nvt, severity)
    distribution_errors: list = field(default_factory=list)  # (lab port name, nvt, qod)
    distribution_hidden: int = 0  # QoD-30 version-only findings seen with min_qod=0

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.families.values():
            total.planted += tally.planted
            total.hits += tally.hits
            total.wrong += tally.wrong
            total.false_alarms += tally.false_alarms
        return total

    def failures(self) -> list[str]:
        total, problems = self.total, []
        if (total.recall or 0) < TARGET_RECALL:
            problems.append(f"recall {total.recall:.1%} < {TARGET_RECALL:.0%}")
        if (total.precision or 0) < TARGET_PRECISION:
            problems.append(f"precision {total.precision:.1%} < {TARGET_PRECISION:.0%}")
        if self.false_alarms:
            problems.append(f"{len(self.false_alarms)} false alarm(s) >= medium on hardened ports")
        if self.distribution_errors:
            problems.append(f"{len(self.distribution_errors)} distribution-build finding(s) without QoD 30")
        return problems


def family_of_nvt(nvt: str, catalogue_family) -> str:
    if nvt.startswith("CG-CVE-") or nvt.startswith("CG-9"):
        return "known_vulnerable_versions"
    return catalogue_family(nvt)


def score(lab_ports, findings, catalogue_family, all_qod_findings=()) -> Scorecard:
    """`findings`: the default listing (QoD >= 70); `all_qod_findings`: the `min_qod=0` listing;
    `catalogue_family(nvt)`: the family of a built-in check id."""
    card = Scorecard()
    by_port = {}
    for attributes in findings:
        by_port.setdefault(port_key(attributes), []).append(attributes)
    for lab in lab_ports:
        found = {f["nvt"]: f for f in by_port.pop(lab.label, [])}
        for nvt in sorted(lab.expected):
            tally = card.families[family_of_nvt(nvt, catalogue_family)]
            tally.planted += 1
            if nvt in found:
                tally.hits += 1
            else:
                card.missed.append((lab.name, nvt))
        for nvt, f in sorted(found.items()):
            if nvt in lab.expected:
                continue
            entry = (lab.name, nvt, f["severity"])
            if nvt in lab.allowed and f["severity"] < MEDIUM:
                card.allowed.append(entry)
                continue
            family = f.get("family") or family_of_nvt(nvt, catalogue_family)
            card.families.setdefault(family, Tally()).wrong += 1
            card.wrong.append(entry)
            if lab.variant == HARDENED and f["severity"] >= MEDIUM:
                card.families[family].false_alarms += 1
                card.false_alarms.append(entry)
    for label, rest in by_port.items():  # findings on a port the lab did not open: all wrong
        for f in rest:
            card.families.setdefault(f.get("family") or "other", Tally()).wrong += 1
            card.wrong.append((label, f["nvt"], f["severity"]))
    _check_distribution_builds(card, lab_ports, all_qod_findings)
    return card


def _check_distribution_builds(card, lab_ports, all_qod_findings):
    builds = {lab.label: lab for lab in lab_ports if lab.distribution}
    for f in all_qod_findings:
        lab = builds.get(port_key(f))
        if lab is None or f.get("family") != "known_vulnerable_versions" or f["nvt"] in lab.expected:
            continue
        if f["qod"] == DISTRIBUTION_QOD and "distribution" in f["detection"].lower():
            card.distribution_hidden += 1
        else:
            card.distribution_errors.append((lab.name, f["nvt"], f["qod"]))


def percent(value) -> str:
    return "-" if value is None else f"{value:.1%}"


def render(card: Scorecard) -> str:
    lines = ["| family | planted | found | recall | wrong | precision | false alarms >= medium (hardened) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, t in [*card.families.items(), ("**total**", card.total)]:
        lines.append(f"| {name} | {t.planted} | {t.hits} | {percent(t.recall)} | {t.wrong} | {percent(t.precision)} "
                     f"| {t.false_alarms} |")
    for title, entries in (("missed", card.missed), ("wrong", card.wrong), ("false alarms", card.false_alarms),
                           ("allowed (low/log, true, not planted)", card.allowed),
                           ("distribution builds without QoD 30", card.distribution_errors)):
        if entries:
            lines.append(f"{title}: " + "; ".join(" ".join(str(part) for part in entry) for entry in entries))
    lines.append(f"distribution-build version matches listed only with min_qod=0 (QoD 30): {card.distribution_hidden}")
    return "\n".join(lines)
