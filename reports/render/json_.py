"""JSON: {"report": {header and summary}, "findings": [...]}, the findings streamed one at a time."""

import orjson

OPTIONS = orjson.OPT_NON_STR_KEYS


def header(data) -> dict:
    return {
        "title": data.title, "type": data.type, "organization": data.organization_name,
        "generated_at": data.generated_at, "scope": data.scope, "summary": data.summary, "hosts": data.hosts,
        "top_vulnerabilities": data.top, "trend": data.trend, "exceptions": data.exceptions,
        "company_name": data.branding.get("company_name", ""),
    }


def render(data, out) -> None:
    out.write(b'{"report": ')
    out.write(orjson.dumps(header(data), option=OPTIONS, default=str))
    out.write(b', "findings": [')
    for index, finding in enumerate(data.findings()):
        if index:
            out.write(b", ")
        out.write(orjson.dumps(finding))
    out.write(b"]}\n")
