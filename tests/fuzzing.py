"""Shared by the schema fuzz tests (with the `wsgi_app` fixture of tests/conftest.py): the Hypothesis
run that sends an operation's generated requests and fails on any 500."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error


def assert_never_a_server_error(operation, app, headers, real_ids, examples):
    """`examples` generated requests of `operation`, `{id}` sometimes one of `real_ids` (so member
    routes are fuzzed beyond their 404): none may answer 500."""

    @given(case=operation.as_strategy(), real_id=st.sampled_from(real_ids), use_real_id=st.booleans())
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def generated_requests_never_fail(case, real_id, use_real_id):
        if use_real_id and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = real_id
        response = case.call(app=app, headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    generated_requests_never_fail()
