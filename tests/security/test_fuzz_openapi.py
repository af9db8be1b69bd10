"""schemathesis against the app's own OpenAPI through the real server, with and without the admin key.

Every operation gets a bounded, seeded (derandomized) number of generated requests, valid and
invalid ones; each answer must not be a server error and must match what the schema declares
(status code, content type, body schema). The server is its own demo shop in a temp home, so what
the fuzzer writes does not change what other tests read.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

KEY = "fuzz-test-key"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation and mode (with / without key): ~1,000 requests in all


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("fuzzshop"), KEY, warm_search=True, search_workers=0)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def api_schema(fuzz_server):
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE,
                                           schemathesis.GenerationMode.NEGATIVE])
    # retraining runs for many seconds in the background: one call is checked in the hostile suite
    return schema.exclude(path="/api/realtime/retrain")


schema = schemathesis.pytest.from_fixture("api_schema")
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.mark.slow
@schema.parametrize()
@FUZZ
def test_fuzz_anonymous(case, fuzz_server):
    case.call_and_validate(base_url=fuzz_server.url, checks=CHECKS, timeout=60)


@pytest.mark.slow
@schema.parametrize()
@FUZZ
def test_fuzz_admin(case, fuzz_server):
    case.call_and_validate(base_url=fuzz_server.url, headers={"X-API-Key": KEY}, checks=CHECKS, timeout=60)
