"""The /v2/schema document, and a strict check of a real answer against it: the answer's status
must be documented for its operation, and its body must match the documented schema, with no
undocumented key (objects that declare properties are closed unless they say otherwise)."""

import json
import re
from functools import cache

import jsonschema
from django.core.serializers.json import DjangoJSONEncoder


@cache
def schema_document():
    from drf_spectacular.generators import SchemaGenerator

    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder))


def template_of(path):
    """The schema path of a concrete request path (literal segments win over `{id}`)."""
    path = path.split("?")[0].rstrip("/") or "/"
    templates = sorted(schema_document()["paths"], key=lambda t: (t.count("{"), t))
    for template in templates:
        if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path):
            return template
    return None


def template_of_regex(regex):
    """`v2/^reports/(?P<pk>[...])/verify/?$` → `/v2/reports/{id}/verify`."""
    path = re.sub(r"\(\?P<([^>]+)>[^)]*\)", lambda m: "{" + ("id" if m.group(1) == "pk" else m.group(1)) + "}", regex)
    return "/" + path.replace("^", "").replace("/?$", "").replace("$", "").rstrip("/")


def _strict(node):
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {key: _strict(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def _components():
    return _strict(schema_document().get("components", {}))


def _validate(schema, value, where):
    root = {**_strict(schema), "components": _components()}
    errors = sorted(jsonschema.Draft7Validator(root).iter_errors(value), key=lambda e: list(e.absolute_path))
    assert not errors, f"{where} differs from the schema:\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in errors[:8])


def _operation(method, path):
    template = template_of(path)
    assert template, f"{method.upper()} {path}: no schema path"
    operation = schema_document()["paths"][template].get(method.lower())
    assert operation, f"{method.upper()} {template} is not in the schema"
    return template, operation


def check_request(method, path, body):
    """A request the API accepts must fit the documented request body (a bare body is checked as
    the wrapped one it stands for)."""
    template, operation = _operation(method, path)
    if not body:
        assert not operation.get("requestBody", {}).get("required"), f"{method.upper()} {template}: the body is optional"
        return
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    assert content, f"{method.upper()} {template} takes a body it does not document: {body!r}"[:300]
    schema = content["schema"]
    wrapper = schema.get("required", [None])[0] if schema.get("description", "").startswith("The attributes wrapped") else None
    if wrapper and wrapper not in body:
        body = {wrapper: body}
    _validate(schema, body, f"the {method.upper()} {template} request")


def check_answer(method, path, response):
    """Fails (AssertionError) when the answer is not what the schema documents."""
    template, operation = _operation(method, path)
    status = str(response.status_code)
    documented = operation["responses"].get(status)
    assert documented, f"{method.upper()} {template} answered {status}, which it does not document ({list(operation['responses'])})"
    content = documented.get("content", {}).get("application/json")
    assert content, f"{method.upper()} {template} {status}: no JSON body documented"
    _validate(content["schema"], response.json(), f"{method.upper()} {template} {status}")

