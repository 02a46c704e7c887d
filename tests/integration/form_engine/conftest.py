"""Fixtures for form engine tests: an app of the signed-up owner and a form factory."""
from __future__ import annotations

import pytest

from tests.conftest import fresh


@pytest.fixture
def app_id(api):
    r = api.post("/api/v1/apps", json={"key": fresh("app"), "name": "App"})
    assert r.status_code == 201, r.json
    return r.json["id"]


@pytest.fixture
def make_form(api, app_id):
    def _make(fields, key=None, **extra):
        body = {"key": key or fresh("form"), "name": "Form", "fields": fields, **extra}
        r = api.post(f"/api/v1/apps/{app_id}/forms", json=body)
        assert r.status_code == 201, r.json
        return r.json
    return _make
