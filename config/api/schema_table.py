"""What the schema cannot read from a viewset's declarations, in one table (config/api/schema.py
uses it): the summaries of the standard actions, the routes that answer the documented `{}`, the
item serializer of list actions, and the success bodies of the special actions. Keys are
`<ViewSet class>.<action>`; serializers are named by dotted path (config/api imports no app)."""

from .schema_attributes import attributes_schema
from .schema_bodies import resource_item

STANDARD_SUMMARIES = {
    "list": "List {many}",
    "retrieve": "Get one {one}",
    "create": "Create {a} {one}",
    "update": "Update {a} {one}",
    "partial_update": "Update some fields of {a} {one}",
    "destroy": "Delete {a} {one}",
    "bulk_destroy": "Delete {many} by id (`ids`)",
}

# The special actions' summaries (endpoints.md's route notes); the standard actions use the above.
SUMMARIES = {
    "SignInView.post": "Sign in: a bearer token (or the second step of a 2FA sign-in)",
    "SignOutView.delete": "Sign out: revoke the bearer token",
    "CurrentUserViewSet.me": "The signed-in user (`products`, `details`, `current_plan` add blocks)",
    "CurrentUserViewSet.update_me": "Update the signed-in user",
    "CurrentUserViewSet.delete_me": "Delete my account (422 when it cannot be deleted)",
    "CurrentUserViewSet.password": "Change my password (revokes my other sessions)",
    "CurrentUserViewSet.members": "The users of my organization",
    "CurrentUserViewSet.organization": "My organization",
    "CurrentUserViewSet.organization_update": "Update my organization (Manager or above)",
    "CurrentUserViewSet.validate_token": "Check that the bearer token is valid",
    "CurrentUserViewSet.permissions": "My permission flags (`permissions=A,B` for some)",
    "CurrentUserViewSet.can_be_deleted": "Whether my account can be deleted, and why not",
    "CurrentUserViewSet.generate_access_token": "Generate a personal access token (shown once)",
    "CurrentUserViewSet.revoke_access_token": "Revoke my personal access token",
    "CurrentUserViewSet.transfer_resources": "Transfer a user's resources to another user of the organization (Admin)",
    "ProductContextViewSet.products": "The products of my organization's active subscriptions",
    "ProductContextViewSet.active_plans": "The plans of my organization's active subscriptions",
    "ProductContextViewSet.subscriptions_history": "My organization's subscriptions, in every state",
    "ProductContextViewSet.change_product": "Switch the active product (`product_code`)",
    "PreferenceViewSet.list": "My notification preferences",
    "AuditEventViewSet.list": "List audit events",
    "CustomerViewSet.create_customer": "On-board a customer: organization, first user (invited) and subscriptions",
    "OrganizationViewSet.move": "Move a user to another organization",
    "OrganizationViewSet.export": "Every organization the caller can see, as CSV",
    "OrganizationViewSet.subscribe": "Subscribe an organization to a plan",
    "OrganizationViewSet.subscribe_own": "Subscribe my organization to a plan",
    "OrganizationViewSet.unsubscribe": "Cancel an organization's subscription (`plan` or `subscription_id`)",
    "OrganizationViewSet.dependent_subscriptions": "The subscriptions of the customer organizations below it",
    "OrganizationSubscriptionViewSet.active": "An organization's live subscriptions",
    "CatalogueViewSet.plans": "The plans the caller may subscribe to",
    "CatalogueViewSet.plan": "One plan of the catalogue",
    "CatalogueViewSet.products": "The products of the catalogue",
    "TargetViewSet.calculate_hosts": "Count the hosts of `hosts`/`exclude_hosts` without saving",
    "ScannerViewSet.verify": "Check that a scanner is reachable",
    "ScanViewSet.start": "Start a scan: queues a new run (409 when one is queued or running)",
    "ScanViewSet.stop": "Stop a scan's queued or running run",
    "ScanViewSet.upcoming": "Scheduled scans by next run time",
    "ScanViewSet.recent": "Scans whose last run finished, newest first",
    "ScanViewSet.running": "Scans with a queued or running run",
    "ScanViewSet.wizard": "Create a target (and schedule) and a scan in one call, optionally starting it",
    "ScanViewSet.histories": "The runs of a scan",
    "ScanViewSet.history": "One run of a scan",
    "ScanViewSet.hosts": "The hosts of a scan's latest finished run (`history_id` for another)",
    "ScanViewSet.host": "One host of a scan's run, with its ports and vulnerabilities",
    "ScanViewSet.vulnerabilities": "The results of a scan's latest run (`history_id` for another)",
    "ScanViewSet.vulnerability": "One result of a scan's run",
    "ScanViewSet.statistics": "A run's counts by severity and host, new/fixed, and PCI verdict",
    "ScanViewSet.import_report": "Import another scanner's report as a finished run (multipart)",
    "VulnerabilityViewSet.total": "Widget: current findings by severity level",
    "VulnerabilityViewSet.top": "Widget: the most frequent vulnerabilities (`limit`)",
    "VulnerabilityViewSet.pci_compliance": "Widget: the PCI verdict per target and overall",
    "HostViewSet.most_vulnerable": "The most vulnerable hosts (`limit`)",
    "ExceptionViewSet.details": "An exception with the findings it currently changes",
    "ExceptionViewSet.activate": "Activate exceptions (`ids`)",
    "ExceptionViewSet.reset": "Deactivate exceptions (`ids`): findings get their original severity back",
    "ExceptionViewSet.statistics": "Counts of active, inactive and expired exceptions, and findings affected",
    "ReportViewSet.generate": "Generate a report file in the background (`format`, `type`)",
    "ReportViewSet.download": "Download a generated report file (`format`, `type`)",
    "ReportViewSet.file_exists": "Whether a report file is generated (`format`, `type`)",
    "ReportViewSet.verify": "Verify a report file's integrity (`sha256`)",
    "AdvancedReportViewSet.generate": "Generate an advanced report's file in the background",
    "AdvancedReportViewSet.download": "Download an advanced report's file (`format`, `type`)",
    "NotificationViewSet.read": "Mark a notification read",
    "NotificationViewSet.seen": "Mark a notification seen",
    "NotificationViewSet.read_all": "Mark every notification read",
    "NotificationViewSet.seen_all": "Mark every notification seen",
    "WebhookViewSet.test": "Send a `ping` delivery now",
    "WebhookViewSet.deliveries": "A webhook's deliveries",
    "WebhookViewSet.delivery": "One delivery of a webhook",
    "WebhookViewSet.redeliver": "Send a delivery again",
    "WebhookEventViewSet.list": "The events a webhook can subscribe to, with sample payloads",
    "WhitelabelViewSet.list": "My (partner) branding",
    "WhitelabelViewSet.update_collection": "Set my (partner) branding",
    "WhitelabelViewSet.bulk_destroy": "Back to the platform's default branding",
    "WhitelabelSettingsViewSet.list": "The effective branding for the caller",
    "WhitelabelSettingsViewSet.update_collection": "Set the platform's default branding (Admin)",
}

# Updates that answer `200 {}` (endpoints.md), besides every `destroy`.
EMPTY_ANSWERS = {
    "UserViewSet.update", "UserViewSet.partial_update",
    "OrganizationViewSet.update", "OrganizationViewSet.partial_update",
    "CurrentUserViewSet.delete_me", "CurrentUserViewSet.organization_update",
    "SignOutView.delete", "WhitelabelViewSet.bulk_destroy",
}

OBJECT = {"type": "object", "additionalProperties": True}
STRING, INTEGER, BOOLEAN, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}
NULLABLE_STRING = {"type": "string", "nullable": True}
STRINGS = {"type": "array", "items": STRING}
FILE = "file"  # a file download (CSV, PDF, ...), not JSON


def item(resource_type):
    """One rendered resource of `resource_type` (its attributes: config/api/schema_attributes.py)."""
    return resource_item(attributes_schema(resource_type), resource_type)


def obj(**properties):
    return {"type": "object", "properties": properties, "required": list(properties)}


def data(schema):
    return obj(data=schema)


SEVERITY_COUNTS = {"type": "object", "additionalProperties": INTEGER}
UPDATED = obj(updated=INTEGER, ids=STRINGS, not_found=STRINGS)
SIGN_IN = {"type": "object", "required": ["token", "username"], "additionalProperties": True,
           "properties": {"token": STRING, "username": STRING, "role": STRING}}

IDS = obj(ids=STRINGS)
UUID = {"type": "string", "format": "uuid"}
NEW_PASSWORD = {"password": STRING, "password_confirmation": STRING}

# Request bodies the views read by hand (no input serializer): key -> schema (None: no body).
REQUESTS = {
    "WhitelabelViewSet.bulk_destroy": None,  # resets the branding: no ids
    "SignInView.post": {"type": "object", "required": ["username", "password"], "properties": {
        "username": STRING, "password": STRING, "otp_attempt": STRING, "otp_method": STRING,
        "otp_session_state": STRING}},
    "CurrentUserViewSet.password": obj(current_password=STRING, **NEW_PASSWORD),
    "CurrentUserViewSet.transfer_resources": obj(from_user_id=UUID, to_user_id=UUID),
    "OrganizationViewSet.move": obj(user_id=UUID, organization_id=UUID),
    "TargetViewSet.calculate_hosts": {"type": "object", "required": ["hosts"],
                                      "properties": {"hosts": STRING, "exclude_hosts": STRING}},
    "ExceptionViewSet.activate": IDS,
    "ExceptionViewSet.reset": IDS,
    "ReportViewSet.verify": {"type": "object", "required": ["sha256"],
                             "properties": {"sha256": STRING, "format": STRING, "type": STRING}},
    "ScanViewSet.wizard": obj(wizard={"type": "object", "required": ["name", "hosts"], "properties": {
        "name": STRING, "hosts": STRING, "exclude_hosts": STRING, "port_list_id": UUID, "scan_profile_id": UUID,
        "scanner_id": UUID, "schedule": OBJECT, "start_now": BOOLEAN}}),
}

# Special actions whose body is wrapped like a resource's (`{"customer": {...}}`): key -> wrapper.
WRAPPED_REQUESTS = {
    "CurrentUserViewSet.update_me": "user",
    "CurrentUserViewSet.organization_update": "organization",
    "CustomerViewSet.create_customer": "customer",
    "PreferenceViewSet.notification": "preference",
    "WhitelabelViewSet.update_collection": "whitelabel",
    "WhitelabelSettingsViewSet.update_collection": "whitelabel",
    "ReportViewSet.generate": "report",
}

# key -> (status, schema | FILE | ("single"|"list", resource type of config/api/schema_attributes.py))
RESPONSES = {
    # the signed-in user
    "CurrentUserViewSet.me": ("200", ("single", "user")),
    "CurrentUserViewSet.update_me": ("200", ("single", "user")),
    "CurrentUserViewSet.organization": ("200", ("single", "organization")),
    "CurrentUserViewSet.can_be_deleted": ("200", obj(can_be_deleted=BOOLEAN, reasons=STRINGS)),
    "CurrentUserViewSet.generate_access_token": ("200", obj(token=STRING, username=STRING, message=STRING)),
    "CurrentUserViewSet.revoke_access_token": ("200", obj(message=STRING, revoked=BOOLEAN)),
    "CurrentUserViewSet.password": ("200", obj(message=STRING)),
    "CurrentUserViewSet.transfer_resources": ("200", obj(transferred=SEVERITY_COUNTS, from_user_id=STRING, to_user_id=STRING)),
    "CurrentUserViewSet.permissions": ("200", obj(permissions={"type": "object", "additionalProperties": BOOLEAN})),
    "CurrentUserViewSet.validate_token": ("200", obj(valid=BOOLEAN, kind=STRING, expires_at=NULLABLE_STRING)),
    "ProductContextViewSet.products": ("200", ("list", "product")),
    "ProductContextViewSet.active_plans": ("200", ("list", "plan")),
    "ProductContextViewSet.change_product": ("200", obj(active_product=STRING)),
    "PreferenceViewSet.notification": ("200", ("single", "preference")),
    "UserActionViewSet.invite": ("200", ("single", "user")),
    "UserActionViewSet.impersonate": ("200", SIGN_IN),
    "CustomerViewSet.create_customer": ("201", OBJECT),
    # organizations and subscriptions
    "OrganizationViewSet.move": ("200", ("single", "organization")),
    "OrganizationViewSet.subscribe": ("201", ("single", "subscription")),
    "OrganizationViewSet.subscribe_own": ("200", ("single", "subscription")),
    "OrganizationViewSet.unsubscribe": ("200", ("single", "subscription")),
    "OrganizationViewSet.dependent_subscriptions": ("200", ("list", "subscription")),
    "CatalogueViewSet.products": ("200", ("list", "product")),
    "CatalogueViewSet.plan": ("200", ("single", "plan")),
    # scanning
    "ScanViewSet.start": ("200", ("single", "scan_history")),
    "ScanViewSet.stop": ("200", ("single", "scan_history")),
    "ScanViewSet.wizard": ("201", ("single", "scan")),
    "ScanViewSet.recent": ("200", ("list", "scan")),
    "ScanViewSet.running": ("200", ("list", "scan")),
    "ScanViewSet.upcoming": ("200", ("list", "scan")),
    "ScanViewSet.histories": ("200", ("list", "scan_history")),
    "ScanViewSet.history": ("200", ("single", "scan_history")),
    "ScanViewSet.hosts": ("200", ("list", "host")),
    "ScanViewSet.host": ("200", ("single", "host")),
    "ScanViewSet.vulnerabilities": ("200", ("list", "vulnerability")),
    "ScanViewSet.vulnerability": ("200", ("single", "vulnerability")),
    "ScanViewSet.statistics": ("200", data(OBJECT)),
    "ScanViewSet.import_report": ("201", ("single", "scan_history")),
    "ScannerViewSet.verify": ("200", obj(online=BOOLEAN, version=NULLABLE_STRING)),
    "TargetViewSet.calculate_hosts": ("200", obj(host_count=INTEGER, hosts=STRINGS, errors=OBJECT)),
    # findings
    "ExceptionViewSet.activate": ("200", UPDATED),
    "ExceptionViewSet.reset": ("200", UPDATED),
    "ExceptionViewSet.details": ("200", ("single", "exception")),
    "ExceptionViewSet.statistics": ("200", data({"type": "object", "additionalProperties": INTEGER})),
    "HostViewSet.most_vulnerable": ("200", data({"type": "array", "items": item("host")})),
    "VulnerabilityViewSet.total": ("200", data(obj(severity_counts=SEVERITY_COUNTS, total=INTEGER, min_qod=INTEGER))),
    "VulnerabilityViewSet.top": ("200", data({"type": "array", "items": obj(
        nvt=STRING, name=STRING, severity=NUMBER, severity_level=STRING, count=INTEGER, hosts=INTEGER)})),
    "VulnerabilityViewSet.pci_compliance": ("200", data(obj(pci_status=STRING, targets={"type": "array", "items": OBJECT},
                                                            counts=SEVERITY_COUNTS))),
    # reports
    "ReportViewSet.file_exists": ("200", obj(exists=BOOLEAN, status=NULLABLE_STRING, sha256=NULLABLE_STRING,
                                             error=NULLABLE_STRING)),
    "ReportViewSet.verify": ("200", obj(valid=BOOLEAN)),
    "ReportViewSet.generate": ("202", OBJECT),
    "ReportViewSet.download": ("200", FILE),
    "AdvancedReportViewSet.download": ("200", FILE),
    "OrganizationViewSet.export": ("200", FILE),
    "AdvancedReportViewSet.generate": ("202", OBJECT),
    # events
    "NotificationViewSet.read": ("200", ("single", "notification")),
    "NotificationViewSet.seen": ("200", ("single", "notification")),
    "NotificationViewSet.read_all": ("200", obj(updated=INTEGER)),
    "NotificationViewSet.seen_all": ("200", obj(updated=INTEGER)),
    "WebhookViewSet.test": ("200", ("single", "webhook_delivery")),
    "WebhookViewSet.deliveries": ("200", ("list", "webhook_delivery")),
    "WebhookViewSet.delivery": ("200", ("single", "webhook_delivery")),
    "WebhookViewSet.redeliver": ("202", ("single", "webhook_delivery")),
    "WhitelabelViewSet.list": ("200", ("single", "whitelabel")),
    "WhitelabelViewSet.update_collection": ("200", ("single", "whitelabel")),
    "WhitelabelSettingsViewSet.list": ("200", ("single", "whitelabel")),
    "WhitelabelSettingsViewSet.update_collection": ("200", ("single", "whitelabel")),
}
