"""The API contract: the OpenAPI document must match the committed snapshot.

A change here is a change for every integration. Review the diff, then refresh the
snapshot with ``WARTA_UPDATE_SNAPSHOT=1 pytest tests/api/test_openapi_snapshot.py``.
"""

import json
import os
from pathlib import Path

from warta.api import api

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")


def _current() -> str:
    return json.dumps(api.get_openapi_schema(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_openapi_matches_the_snapshot():
    current = _current()
    if os.environ.get("WARTA_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "The OpenAPI document changed. If that is intended, run with WARTA_UPDATE_SNAPSHOT=1 and commit the file."
    )


def test_every_operation_documents_401_and_problem_json():
    schema = json.loads(_current())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )


def test_no_response_exposes_a_secret_or_an_internal_id():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name, schema in schemas.items():
        fields = set(schema.get("properties", {}))
        assert not fields & {
            "token_hash",
            "hash_token",
            "path",
            "unit_id",
            "parent_id",
            "user_id",
        }, name
        if name != "MembershipOut":  # memberships have no UUID; their id is the one integer shown
            assert "id" not in fields, name
    assert set(schemas["TokenOut"]["properties"]).isdisjoint({"raw", "token"})


def test_docs_are_served_without_a_token(client, db):
    assert client.get("/api/docs").headers["Location"] == "/api/v1/docs"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content
    assert b"cdn." not in docs.content  # served by Warta itself, for closed networks
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == "Warta API"
