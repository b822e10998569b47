"""The check text an organization's findings show (CheckInfo, one row per organization and nvt).

Built-in checks keep their catalogue text (a newer release updates it); an imported report's text
is that tool's and stays in the importing organization. An import never overwrites the text of a
built-in check, and no organization's import reaches another's rows."""

from findings.models import CheckInfo

from .ingest_ids import natural_id

TEXT_FIELDS = ("name", "family", "cvss_vector", "severity", "qod", "summary", "insight", "affected", "impact",
               "solution", "solution_type", "cves", "references", "pci_fail", "source")
BUILTIN = "builtin"


def upsert_check_info(organization_id, findings):
    """{nvt: CheckInfo id} for the given engine findings: one read, at most one write."""
    wanted = {}
    for finding in findings:
        wanted.setdefault(finding.nvt, finding)
    existing = {c.nvt: c for c in CheckInfo.objects.filter(organization_id=organization_id, nvt__in=wanted)}
    ids, writes = {}, []
    for nvt, finding in wanted.items():
        old = existing.get(nvt)
        if old is not None and old.source == BUILTIN and finding.source != BUILTIN:
            ids[nvt] = old.pk  # an import names a built-in check: the built-in text stays
            continue
        row = check_info_of(organization_id, finding, old)
        ids[nvt] = row.pk
        if old is None or any(getattr(old, name) != getattr(row, name) for name in TEXT_FIELDS):
            writes.append(row)
    if writes:
        CheckInfo.objects.bulk_create(writes, update_conflicts=True, unique_fields=["organization", "nvt"],
                                      update_fields=[*TEXT_FIELDS, "updated_at"])
    return ids


def check_info_of(organization_id, finding, old):
    """The row for `finding`'s check. A text the finding leaves empty keeps the stored one: a
    Greenbone CSV export has no vector or family, and importing it after the XML export of the same
    scan must not blank what the XML said."""

    def kept(value, name):
        return value if value or old is None else getattr(old, name)

    return CheckInfo(
        id=old.pk if old else natural_id("check", organization_id, finding.nvt), organization_id=organization_id,
        nvt=finding.nvt, source=finding.source or BUILTIN, name=(finding.name or finding.nvt)[:512],
        family=kept((finding.family or "")[:64], "family"), cvss_vector=kept(finding.cvss_vector or "", "cvss_vector"),
        severity=float(finding.severity), qod=finding.qod, summary=kept(finding.summary or "", "summary"),
        insight=kept(finding.insight or "", "insight"), affected=kept(finding.affected or "", "affected"),
        impact=kept(finding.impact or "", "impact"), solution=kept(finding.solution or "", "solution"),
        solution_type=kept(finding.solution_type or "", "solution_type"), cves=kept(list(finding.cves or ()), "cves"),
        references=kept(list(finding.references or ()), "references"), pci_fail=bool(finding.pci_fail),
    )
