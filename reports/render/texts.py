"""Words every human-readable format shares: titles, the PCI attestation, effort hints."""

TITLES = {
    "executive": "Executive Summary",
    "detailed": "Detailed Vulnerability Report",
    "remediation": "Remediation Plan",
    "pci_attestation": "PCI DSS ASV Scan Report — Attestation of Scan Compliance",
}

EFFORT = {  # what fixing takes, by the finding's solution type
    "VendorFix": "Apply the vendor's update (routine patching)",
    "Workaround": "Change the configuration (a workaround until a fix exists)",
    "Mitigation": "Change the configuration or restrict access",
    "WillNotFix": "No fix will be released: replace or isolate the component",
    "NoneAvailable": "No fix is available yet: isolate the component and monitor",
    "": "Review the finding and decide on a fix",
}

LEVEL_WORDS = {"high": "High", "medium": "Medium", "low": "Low", "log": "Log", "false_positive": "False positive"}


def verdict_words(status) -> str:
    return {"pass": "PASS — compliant", "fail": "FAIL — not compliant"}.get(status or "", "Not determined")


def attestation(organization_name: str, asv_name: str, status, finished_at) -> list[str]:
    """The attestation paragraphs of a PCI ASV scan report summary."""
    when = f"{finished_at:%d %B %Y}" if finished_at else "the scan date"
    result = {"pass": "meets", "fail": "does not meet"}.get(status or "", "could not be shown to meet")
    return [
        f"Scan customer attestation: {organization_name} attests that this scan included all components that "
        "should be in scope for PCI DSS, that any component considered out of scope is properly segmented from "
        "the cardholder data environment, and that the evidence submitted for any exception or false positive "
        "is accurate and complete.",
        f"ASV attestation: this scan and report were prepared by {asv_name} in accordance with the PCI DSS ASV "
        f"Program Guide. On {when} the scanned components {result} the ASV scan requirements: a component passes "
        "when no finding of CVSS 4.0 or higher and no automatic failure (SSL v2/v3 or early TLS, unsupported "
        "software, default or missing credentials, databases open without authentication, cleartext remote "
        "access) remains after documented exceptions.",
    ]
