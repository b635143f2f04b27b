"""The health endpoint (dashboard.ops.health): 200 only when the database answers, and it says nothing else."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard.ops import health


@pytest.fixture()
def client():
    with TestClient(Starlette(routes=health.build())) as test_client:
        yield test_client


def _leaks(response, *secrets: str) -> list[str]:
    text = response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return [s for s in secrets if s.lower() in text.lower()]


def test_ok_when_the_database_answers(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    response = client.get("/_cpu/health")
    assert (response.status_code, response.text) == (200, "ok")
    assert response.headers["cache-control"] == "no-store"
    assert client.head("/_cpu/health").status_code == 200
    assert _leaks(response, str(tmp_path), "sqlite", "version", "streamlit") == []


def test_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://watcher:s3cret-pw@127.0.0.1:1/cases_db")
    response = client.get("/_cpu/health")
    assert (response.status_code, response.text) == (503, "unavailable")
    assert _leaks(response, "s3cret", "watcher", "cases_db", "127.0.0.1", "OperationalError", "psycopg") == []


def test_public_mode_checks_the_export_folder_not_the_database(client, public_env, monkeypatch, tmp_path):
    assert client.get("/_cpu/health").status_code == 200  # public_env points the database at a closed port
    monkeypatch.setenv("DASHBOARD_PUBLIC_DIR", str(tmp_path / "gone"))
    assert client.get("/_cpu/health").status_code == 503
