"""/healthz: what load balancers and monitors ask."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "no-cache" in response["Cache-Control"]
    assert "health check: database unreachable" in caplog.text


def test_it_needs_no_sign_in_even_where_two_factor_is_required(
    client: Client, settings: Any
) -> None:
    settings.QORGAU_REQUIRE_2FA = True

    assert client.get("/healthz").status_code == 200


def test_it_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
