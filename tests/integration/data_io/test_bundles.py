"""Bundles round-trip between workspaces; a broken bundle is refused whole; templates list and
install."""
import copy

from tests.integration.data_io.conftest import CUSTOMER

ORDER = {"key": "order", "name": "订单", "fields": [
    {"key": "customer", "type": "relation", "label": "客户", "target": "customer"},
    {"key": "amount", "type": "number", "label": "金额"}]}


def _app_with_forms(make_form):
    app_id, _ = make_form(CUSTOMER)
    make_form(ORDER, app_id=app_id)
    return app_id


def test_export_then_import_into_an_empty_workspace_gives_the_same_app(api, other_api,
                                                                         make_form):
    app_id = _app_with_forms(make_form)
    bundle = api.get(f"/api/v1/apps/{app_id}/export")
    assert bundle.status_code == 200, bundle.json
    assert bundle.json["format"] == "formloom.app/1"
    assert [f["key"] for f in bundle.json["forms"]] == ["customer", "order"]
    imported = other_api.post("/api/v1/apps/import", json=bundle.json)
    assert imported.status_code == 201, imported.json
    again = other_api.get(f"/api/v1/apps/{imported.json['id']}/export")
    assert again.json == bundle.json
    assert other_api.get(f"/api/v1/apps/{app_id}/export").status_code == 404


def test_broken_bundle_is_refused_whole_with_every_problem(api, make_form):
    app_id = _app_with_forms(make_form)
    bundle = api.get(f"/api/v1/apps/{app_id}/export").json
    broken = copy.deepcopy(bundle)
    broken["key"] = "copy"
    broken["forms"][1]["fields"][0]["target"] = "nowhere"
    broken["forms"][0]["fields"][3]["type"] = "numbr"
    broken["segments"] = [{"key": "s", "form": "ghost", "name": "S", "expression": "1 = 1"}]
    r = api.post("/api/v1/apps/import", json=broken)
    assert r.status_code == 422
    parts = [p["part"] for p in r.json["error"]["details"]["problems"]]
    assert any(p.startswith("/forms/0") for p in parts)
    assert any(p.startswith("/forms/1") for p in parts)
    assert "/segments/0/form" in parts
    keys = [a["key"] for a in api.get("/api/v1/apps").json["items"]]
    assert "copy" not in keys
    assert api.post("/api/v1/apps/import", json={"format": "nope"}).status_code == 422


DEMO = """
def generate(session, actor, app_id, *, customers, seed=42, progress=None):
    from app.form_engine import forms, records
    form = forms.get_form_by_key(session, actor.workspace_id, app_id, "customer")
    rows = [{"name": f"客户{i}", "phone": f"139{i:08d}"} for i in range(customers)]
    records.bulk_create(session, actor, form.id, rows, source="template")
    progress(customers, customers)
    return {"customers": customers}
"""


def test_templates_are_listed_and_installed_with_demo_data(app, api, tmp_path, worker):
    import json

    assert "crm" in [t["key"] for t in api.get("/api/v1/templates").json]
    lib = tmp_path / "lib"
    (lib / "shop").mkdir(parents=True)
    (lib / "shop" / "bundle.json").write_text(json.dumps({
        "format": "formloom.app/1", "key": "shop", "name": {"zh": "小店", "en": "Shop"},
        "version": "2.0.0", "forms": [CUSTOMER, ORDER], "segments": [
            {"key": "named", "form": "customer", "name": "Named", "expression": "name != ''"}]}))
    (lib / "shop" / "demo.py").write_text(DEMO)
    app.config["TEMPLATES_LIB"] = str(lib)
    listed = api.get("/api/v1/templates").json
    assert listed == [{"key": "shop", "name": {"zh": "小店", "en": "Shop"}, "description": None,
                       "version": "2.0.0", "demo_data": True}]
    r = api.post("/api/v1/templates/shop/install", json={"demo_data": True, "size": 20})
    assert r.status_code == 201, r.json
    assert r.json["app"]["template_key"] == "shop" and r.json["job_id"]
    worker()
    job = api.get(f"/api/v1/jobs/{r.json['job_id']}").json
    assert job["status"] == "succeeded" and job["progress"] == {"done": 20, "total": 20}
    assert api.post("/api/v1/templates/shop/install", json={}).status_code == 422  # key taken
    assert api.post("/api/v1/templates/nope/install", json={}).status_code == 404
