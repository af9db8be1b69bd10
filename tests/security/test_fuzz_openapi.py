"""schemathesis against the app's own OpenAPI through the real server, with and without the admin key.

Every operation gets a bounded, seeded (derandomized) number of generated requests, valid and
invalid ones; each answer must not be a server error and must match what the schema declares
(status code, content type, body schema). The server is its own demo shop in a temp home, so what
the fuzzer writes does not change what other tests read.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

KEY = "fuzz-test-key"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 4  # per operation, mode (valid / invalid input) and caller (with / without key): ~600 requests


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("fuzzshop"), KEY, warm_search=True, warm_recs=True,
                      warm_assistant=True, search_workers=0)
    yield srv
    srv.stop()


def _operations(srv):
    schema = schemathesis.openapi.from_url(f"{srv.url}/openapi.json")
    # a full refresh (POST /api/index) and retraining run for minutes of CPU in the background, past the
    # fuzzing itself; neither takes input to fuzz
    schema = schema.exclude(path=["/api/realtime/retrain", "/api/index"])
    return [r.ok() for r in schema.get_all_operations()]


def _fuzz(srv, headers: dict[str, str] | None) -> tuple[int, list[str]]:
    """Run every operation's positive and negative cases; (requests sent, failures by operation)."""
    sent, failures, took = 0, [], {}
    for op in _operations(srv):
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @FUZZ
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal sent
                sent += 1
                case.call_and_validate(base_url=srv.url, headers=headers, checks=CHECKS, timeout=60)

            t0 = time.perf_counter()
            try:
                run()
            except Unsatisfiable:
                pass  # no invalid input exists for this operation (no parameters or body to break)
            except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - one report for every failing operation
                failures.append(f"{op.method.upper()} {op.path} ({mode.value}): {str(e)[:1500]}")
            took[f"{op.method.upper()} {op.path} {mode.value}"] = time.perf_counter() - t0
    slowest = sorted(took.items(), key=lambda kv: -kv[1])[:8]
    print(f"{sent} requests in {sum(took.values()):.1f}s; slowest:", *(f"{k} {v:.1f}s" for k, v in slowest), sep="\n  ")
    return sent, failures


FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_fuzz_every_operation(fuzz_server, who):
    sent, failures = _fuzz(fuzz_server, {"X-API-Key": KEY} if who == "admin" else None)
    assert not failures, f"{len(failures)} failing operations:\n" + "\n\n".join(failures)
    assert sent >= 100
