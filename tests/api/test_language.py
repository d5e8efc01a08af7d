"""Errors speak the caller's language: Indonesian by default, else Accept-Language."""

from django.core.validators import EmailValidator
from django.utils import translation

from tests.api import assert_problem


def _email_message(language: str) -> str:
    with translation.override(language):
        return str(EmailValidator.message)


def test_errors_are_indonesian_by_default(api, tree):
    response = api.put(
        f"/units/{tree.kab.uuid}/memberships", {"email": "bukan email", "role": "viewer"}
    )

    problem = assert_problem(response, 422)
    assert response["Content-Language"] == "id"
    assert problem["title"] == "Data tidak valid"
    assert problem["errors"] == {"email": [_email_message("id")]}


def test_errors_follow_accept_language(api, tree):
    api.headers["accept-language"] = "en-GB,en;q=0.9"

    response = api.put(
        f"/units/{tree.kab.uuid}/memberships", {"email": "bukan email", "role": "viewer"}
    )

    problem = assert_problem(response, 422)
    assert response["Content-Language"] == "en"
    assert problem["errors"] == {"email": [_email_message("en")]}
    assert _email_message("en") != _email_message("id")
