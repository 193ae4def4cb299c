"""The open API: a valid OpenAPI document, fuzzed reads that never 5xx or break the schema,
rate limits, cheap polling, and token writes held to the data officer's scope."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings

from accounts.factories import CouncilFactory, UserFactory
from benchmarking import services
from benchmarking.factories import AreaFactory, MetricFactory, PeriodFactory, ValueFactory
from benchmarking.models import Value
from benchmarking.roles import DATA_OFFICERS_GROUP
from tests.benchmarking.conftest import in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    cache.clear()  # the throttles count in the cache
    leeds = AreaFactory(organisation=CouncilFactory(name="Leeds", ons_code="E08000035", tier="metropolitan_district"))
    york = AreaFactory(organisation=CouncilFactory(name="York", ons_code="E06000014", tier="unitary"))
    population = MetricFactory(code="population", theme="context", value_type="count", neighbour_weight=1)
    recycling = MetricFactory(code="recycling", is_core=True)
    year = PeriodFactory(code="2023-24")
    for area, people, rate in ((leeds, 800_000, 40), (york, 200_000, 50)):
        ValueFactory(metric=population, area=area, period=year, value=people)
        ValueFactory(metric=recycling, area=area, period=year, value=rate, ci_lower=rate - 2, ci_upper=rate + 2)
    officer = in_group(UserFactory(organisation=leeds.organisation), DATA_OFFICERS_GROUP)
    return {"leeds": leeds, "york": york, "officer": officer}


def test_the_openapi_document_validates(client, data):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    document = json.loads(response.content)
    validate_schema(document)  # against the OpenAPI 3 JSON schema drf-spectacular ships
    assert {"/api/v1/values/", "/api/v1/metrics/", "/api/v1/areas/{code}/neighbours/"} <= set(document["paths"])


def test_fuzzed_reads_never_fail_or_break_the_schema(data):
    """Schemathesis generates requests for every read operation from the OpenAPI document (run
    inside the test: its pytest plugin's fixture loader does not work with this pytest)."""
    # The WSGI app closes the database connection after each request, as a server does; inside
    # the test's transaction that closes it for good on PostgreSQL. Django's test client turns
    # this off for its own requests; schemathesis calls the app directly, so it is done here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz_reads()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_reads():
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    tried = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        tried.append(operation.path)

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            cache.clear()  # stay under the rate limit: throttling is tested on its own below
            case.call_and_validate(checks=checks)

        fuzz()
    assert len(tried) == 6


def test_values_filter_by_metric_and_neighbours_and_say_they_are_illustrative(client, data):
    body = client.get("/api/v1/values/", {"metric": "recycling"}).json()
    assert body["count"] == 2
    assert {row["area"] for row in body["results"]} == {"E08000035", "E06000014"}
    assert all(row["illustrative"] for row in body["results"])
    near = client.get("/api/v1/values/", {"neighbours_of": "E08000035", "metric": "recycling"}).json()
    assert near["count"] == 2  # itself and York, its only single-tier neighbour
    assert client.get("/api/v1/values/", {"neighbours_of": "E99999999"}).status_code == 400


def test_an_unchanged_answer_is_a_304_and_reads_allow_other_origins(client, data):
    first = client.get("/api/v1/values/")
    assert first["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/values/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/api/v1/values/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    Value.objects.filter(area=data["york"]).update(value=51)  # updated_at moves with a save only
    Value.objects.first().save()
    assert client.get("/api/v1/values/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@override_settings(BENCHMARKING_API_RATES={"anon": "3/min", "user": "3/min"})
def test_too_many_reads_are_answered_429_with_retry_after_and_a_reason(client, data):
    for _ in range(3):
        assert client.get("/api/v1/metrics/").status_code == 200
    refused = client.get("/api/v1/metrics/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]


def _lodge(client, key, rows):
    return client.post(
        "/api/v1/values/", {"values": rows}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )


def test_a_data_officer_lodges_for_their_own_council_through_the_api(client, data):
    key = services.api_token_create(user=data["officer"])
    response = _lodge(
        client, key, [{"area_code": "E08000035", "metric_id": "recycling", "period": "2023-24", "value": "43"}]
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"new": 0, "revised": 1, "unchanged": 0}
    assert Value.objects.get(area=data["leeds"], metric__code="recycling").revisions.get().previous_value == 40


def test_a_data_officer_cannot_lodge_for_another_council_through_the_api(client, data):
    key = services.api_token_create(user=data["officer"])
    rows = [
        {"area_code": "E08000035", "metric_id": "recycling", "period": "2023-24", "value": "43"},
        {"area_code": "E06000014", "metric_id": "recycling", "period": "2023-24", "value": "1"},
    ]
    assert _lodge(client, key, rows).status_code == 403
    assert sorted(Value.objects.filter(metric__code="recycling").values_list("value", flat=True)) == [40, 50]


def test_writing_needs_a_token(client, data):
    client.force_login(data["officer"])
    assert client.post("/api/v1/values/", {"values": []}, content_type="application/json").status_code in (401, 403)
    assert _lodge(client, "not-a-token", []).status_code == 401


def test_errors_in_a_batch_are_reported_row_by_row_and_nothing_is_saved(client, data):
    key = services.api_token_create(user=data["officer"])
    response = _lodge(
        client, key, [{"area_code": "E08000035", "metric_id": "recycling", "period": "2023", "value": "x"}]
    )
    assert response.status_code == 400
    assert {(e["row"], e["column"]) for e in response.json()["errors"]} == {(1, "period"), (1, "value")}
