"""The webhook events (events.md, Webhooks): names, what they mean, a sample `data`."""

SCAN = {
    "id": "3f0c7a52-8f1e-4a8e-9a55-5a1d0e6f2b11", "name": "Weekly perimeter", "status": "done", "progress": 100,
    "target_id": "8c6a1b7e-2d4f-4e59-b1c3-0f9a7d2e5c44", "last_run_at": "2024-05-06T02:00:00.000Z",
    "severity_counts": {"high": 1, "medium": 4, "low": 2, "log": 12}, "max_severity": 7.5, "pci_status": "fail",
    "created_at": "2024-01-10T09:30:00.000Z", "updated_at": "2024-05-06T02:41:12.000Z",
}
REPORT = {
    "id": "0b1e6f3c-5d2a-4c8b-9e7f-1a2b3c4d5e6f", "scan_id": SCAN["id"], "status": "done", "pci_status": "fail",
    "severity_counts": SCAN["severity_counts"], "host_count": 3,
    "files": [{"format": "pdf", "type": "executive", "status": "ready", "size": 183204,
               "sha256": "9f2c...e1", "generated_at": "2024-05-06T02:43:00.000Z"}],
    "created_at": "2024-05-06T02:41:12.000Z",
}
EXCEPTION = {
    "id": "6d7e8f90-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "text": "Accepted risk: legacy TLS on the payment gateway",
    "nvt": "1.3.6.1.4.1.25623.1.0.117274", "hosts": "192.0.2.10", "port": "443/tcp", "new_severity": 0.0,
    "active": True, "end_time": "2024-08-01T00:00:00.000Z", "expired": False, "created_at": "2024-05-01T12:00:00.000Z",
}

EVENTS = {
    "scan_started": ("A scan run started (by a user, the API or its schedule).", {**SCAN, "status": "running", "progress": 0}),
    "scan_completed": ("A scan run finished; `data` is the scan with its results summary.", SCAN),
    "scan_stopped": ("A scan run was stopped before it finished.", {**SCAN, "status": "stopped", "progress": 42}),
    "scan_failed": ("A scan run was interrupted by an error; `error` says why.",
                    {**SCAN, "status": "interrupted", "error": "scanner offline"}),
    "report_generated": ("A report file was generated and can be downloaded.", REPORT),
    "exception_created": ("An exception (accepted risk or false positive) was created.", EXCEPTION),
    "exception_expired": ("An exception reached its end time and no longer applies.", {**EXCEPTION, "active": False, "expired": True}),
    "vulnerability_new": (
        "A finished run found vulnerabilities the previous run did not have (one event per run, listing them).",
        {"scan": {"id": SCAN["id"], "name": SCAN["name"]}, "history_id": "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716",
         "vulnerabilities": [{"id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "name": "OpenSSH < 9.3 multiple vulnerabilities",
                              "nvt": "1.3.6.1.4.1.25623.1.0.104633", "host": "192.0.2.10", "port": "22/tcp",
                              "severity": 7.5, "severity_level": "high"}]},
    ),
    "ping": ("Sent by POST /v2/webhooks/{id}/test to check the receiver; never retried.",
             {"message": "Hello from CG Scanning: this is a test delivery.", "webhook_id": "c0ffee00-0000-4000-8000-000000000001"}),
}
SUBSCRIBABLE = tuple(EVENTS)


def description(name):
    return EVENTS[name][0]


def sample_payload(name):
    """What a receiver gets for `name` (the body of events.md with sample values)."""
    return {
        "event": name, "delivery_id": "5b0e3a3e-8f0c-4d5e-9b6a-2f1c0d9e8a7b", "occurred_at": "2024-05-06T02:41:12.000Z",
        "organization": {"id": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f", "name": "Example Organization"},
        "data": EVENTS[name][1],
    }
