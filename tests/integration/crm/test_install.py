"""Installing the Repurchase CRM: through the API with demo data run by the real worker, and
through `formloom demo`."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import unit_of_work
from app.models import Record


def _counts(app_id: str) -> dict[str, int]:
    from app.models import Form

    with unit_of_work() as s:
        rows = s.execute(sa.select(Form.key, sa.func.count(Record.id))
                         .join(Record, Record.form_id == Form.id, isouter=True)
                         .where(Form.app_id == app_id).group_by(Form.key)).all()
    return dict(rows)


def test_api_install_with_demo_data_runs_through_the_worker(api, worker):
    r = api.post("/api/v1/templates/crm/install", json={"demo_data": True, "size": 60})
    assert r.status_code == 201, r.json
    app_id, job_id = r.json["app"]["id"], r.json["job_id"]
    assert job_id
    assert api.get(f"/api/v1/jobs/{job_id}").json["status"] == "queued"
    worker()
    job = api.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == "succeeded", job
    counts = _counts(app_id)
    assert counts["customer"] == 60 and counts["product"] == 22
    assert counts["order"] > 60 and counts["ticket"] >= 1 and counts["follow_up"] >= 1
    assert job["result"]["counts"]["order"] == counts["order"]
    flows = api.get(f"/api/v1/apps/{app_id}/flows?limit=100").json["items"]
    assert len(flows) == 12 and not any(f["enabled"] for f in flows)
    boards = api.get(f"/api/v1/apps/{app_id}/dashboards?limit=100").json["items"]
    assert len(boards) == 6
    for board in boards:
        data = api.get(f"/api/v1/dashboards/{board['id']}/data").json
        errors = {k: w["error"] for k, w in data["widgets"].items() if w.get("error")}
        assert not errors, (board["key"], errors)


def test_cli_demo_installs_the_crm_and_fills_it(app, db_url, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from app import cli
    from app.models import App

    monkeypatch.setattr(cli, "_app", lambda: app)
    result = CliRunner().invoke(cli.main, ["demo", "--customers", "40", "--workspace", "Shop"])
    assert result.exit_code == 0, result.output
    assert "customer: 40" in result.output
    with unit_of_work() as s:
        app_id = s.scalar(sa.select(App.id).where(App.key == "crm"))
    first = _counts(app_id)
    assert first["customer"] == 40 and first["order"] > 40
    # Again on the same workspace: the app is installed once, data is added.
    result = CliRunner().invoke(cli.main, ["demo", "--customers", "10", "--workspace", "Shop"])
    assert result.exit_code == 0, result.output
    with unit_of_work() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(App).where(App.key == "crm")) == 1
