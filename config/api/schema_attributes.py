"""The attributes of the resources whose serializers build them by hand (`attributes()`), for
/v2/schema: `{resource type: {attribute: type}}`. Types: str, int, num, bool, obj, list, strs
(a list of strings), time (ISO 8601 UTC); a trailing `?` means it may be null. Attributes some
answers add (query flags such as `details`, the `/details` routes) are listed too; `id` is
always there. tests/api/test_schema_bodies.py fails when an answer carries an attribute this
table does not list, or one of another type."""

ATTRIBUTES = {
    "user": "username:str role:str email:str locale:str timezone:str active_product:str? organization:obj confirmed:bool "
            "created_at:time updated_at:time last_sign_in_at:time? last_sign_in_ip:str? sign_in_count:int "
            "two_factor_authentication:obj incomplete_details:bool details:obj products:list current_plan:obj?",
    "organization": "uuid:str name:str description:str company_name:str partner:bool parent_organization_id:str? "
                    "creation_time:time modification_time:time members:list settings:obj details:obj "
                    "incomplete_details:bool",
    "subscription": "price:str status:str start_date:str end_date:str interval:str created_at:time updated_at:time "
                    "trial_enabled:bool trial_duration_days:int auto_renewal:bool cancellation_reason:str? product:obj "
                    "plan:obj features:obj usage:obj",
    "plan": "code:str name:str description:str product:str kind:str audience:str default:bool default_interval:str "
            "price:str trial_enabled:bool trial_duration_days:int features:obj",
    "product": "code:str name:str description:str",
    "preference": "name:str kind:str enabled:bool in_app:bool email:bool channels:obj created_at:time updated_at:time",
    "target": "name:str hosts:str exclude_hosts:str host_count:int port_list:obj alive_test:str comment:str in_use:bool "
              "credentials:obj product:str created_at:time updated_at:time",
    "port_list": "name:str port_ranges:str comment:str predefined:bool port_count:obj created_at:time updated_at:time",
    "scanner": "name:str type:str host:str? port:int? ca_pub:str? credential_set:bool status:str version:str? "
               "last_seen_at:time? comment:str predefined:bool max_concurrent_scans:int created_at:time updated_at:time",
    "scan_profile": "name:str description:str families:strs check_count:int active:bool predefined:bool created_at:time "
                    "updated_at:time",
    "schedule": "name:str start_at:str timezone:str frequency:str interval:int by_weekday:list by_monthday:list "
                "until:str? count:int? duration:int? next_run_at:time? icalendar:str in_use:bool product:str "
                "created_at:time updated_at:time",
    "scan": "name:str target:obj scan_profile:obj scanner:obj schedule:obj? comment:str status:str progress:int "
            "last_run_at:time? next_run_at:time? run_count:int severity_counts:obj max_severity:num? pci_status:str? "
            "max_checks:int max_hosts:int product:str created_at:time updated_at:time",
    "scan_history": "scan:obj status:str stage:str? progress:int queued_at:time? started_at:time? finished_at:time? "
                    "duration_seconds:num? host_count:int hosts_alive:int severity_counts:obj max_severity:num? "
                    "pci_status:str? delta:obj error:str? partial:bool scanner:obj? triggered_by:str "
                    "estimated_seconds_remaining:num? created_at:time updated_at:time",
    "host": "ip:str hostname:str? os:str? mac:str? alive:bool first_seen:time last_seen:time ports:list services:strs "
            "vulnerability_count:int severity_counts:obj max_severity:num? vulnerabilities:list product:str "
            "created_at:time updated_at:time",
    "vulnerability": "name:str nvt:str family:str port:str severity:num original_severity:num severity_level:str "
                     "cvss_vector:str qod:int cves:strs references:strs summary:str insight:str affected:str impact:str "
                     "detection:str solution:str solution_type:str pci_fail:bool excepted:bool exception:obj? scan:obj? "
                     "host:obj? status:str delta:str first_seen:time last_seen:time history:obj? created_at:time "
                     "updated_at:time fixed_at:time?",
    "exception": "text:str nvt:str hosts:strs port:str? scan:obj? task:obj? new_severity:num active:bool end_time:time? "
                 "expired:bool affected_count:int created_by:obj? product:str created_at:time updated_at:time "
                 "findings_count:int findings:list",
    "report": "scan:obj history:obj scan_id:str history_id:str status:str pci_status:str? severity_counts:obj max_severity:num? host_count:int "
              "files:list created_at:time updated_at:time",
    "advanced_report": "name:str description:str filters:obj group_by:str format:str type:str last_generated_at:time? "
                       "files:list created_at:time updated_at:time",
    "notification": "kind:str event:str title:str message:str resource:obj? read:bool seen:bool read_at:time? "
                    "seen_at:time? created_at:time",
    "webhook": "name:str url:str events:strs active:bool include_customers:bool secret_set:bool state:str "
               "failing_since:time? last_delivery_at:time? last_status:int? organization_id:str created_at:time "
               "updated_at:time",
    "webhook_delivery": "event:str delivery_id:str payload:obj attempts:int status:str succeeded:bool? "
                        "response_status:int? response_body:str error:str? duration_ms:int? test:bool "
                        "next_attempt_at:time? delivered_at:time? created_at:time",
    "webhook_event": "name:str description:str subscribable:bool sample_payload:obj",
    "audit_event": "action:str source:str actor:obj? impersonator:obj? organization:obj? resource_type:str "
                   "resource_id:str resource_repr:str changes:obj data:obj ip:str? user_agent:str request_id:str "
                   "created_at:time",
    "whitelabel": "company_name:str logo:str primary_color:str secondary_color:str support_email:str support_url:str "
                  "custom_domain:str email_sender_name:str email_sender_address:str report_footer:str "
                  "organization_id:str? source:str configured:bool updated_at:time?",
}

TYPES = {
    "str": {"type": "string"}, "int": {"type": "integer"}, "num": {"type": "number"}, "bool": {"type": "boolean"},
    "obj": {"type": "object", "additionalProperties": True}, "list": {"type": "array", "items": {}},
    "strs": {"type": "array", "items": {"type": "string"}}, "time": {"type": "string", "format": "date-time"},
}


def attributes_schema(resource_type):
    """The OpenAPI schema of a resource type's attributes, or None when the table has none."""
    spec = ATTRIBUTES.get(resource_type)
    if spec is None:
        return None
    properties = {"id": {"type": "string", "format": "uuid"}}
    for item in spec.split():
        name, kind = item.split(":")
        nullable = kind.endswith("?")
        properties[name] = {**TYPES[kind.rstrip("?")], **({"nullable": True} if nullable else {})}
    return {"type": "object", "properties": properties, "required": ["id"]}
