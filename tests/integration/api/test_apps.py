"""Apps CRUD and pagination."""


def test_app_crud(api):
    r = api.post("/api/v1/apps", json={"key": "crm", "name": {"zh": "客户", "en": "CRM"}})
    assert r.status_code == 201
    app_id = r.json["id"]
    assert api.get(f"/api/v1/apps/{app_id}").json["name"] == {"zh": "客户", "en": "CRM"}
    assert api.patch(f"/api/v1/apps/{app_id}", json={"name": "Renamed"}).json["name"] == "Renamed"
    assert api.delete(f"/api/v1/apps/{app_id}").status_code == 204
    assert api.get(f"/api/v1/apps/{app_id}").status_code == 404


def test_app_key_is_validated_and_unique(api):
    bad = api.post("/api/v1/apps", json={"key": "Bad Key", "name": "x"})
    assert bad.status_code == 422 and "key" in bad.json["error"]["details"]["fields"]
    assert api.post("/api/v1/apps", json={"key": "dup", "name": "x"}).status_code == 201
    assert api.post("/api/v1/apps", json={"key": "dup", "name": "y"}).status_code == 409


def test_app_list_pages_with_cursor(api):
    for i in range(5):
        api.post("/api/v1/apps", json={"key": f"a{i}", "name": f"A{i}"})
    first = api.get("/api/v1/apps?limit=2").json
    assert len(first["items"]) == 2 and first["next_cursor"]
    keys = [a["key"] for a in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/api/v1/apps?limit=2&cursor={cursor}").json
        keys += [a["key"] for a in page["items"]]
        cursor = page["next_cursor"]
    assert keys == [f"a{i}" for i in range(5)]


def test_bad_query_parameters_are_rejected(api):
    assert api.get("/api/v1/apps?limit=5000").status_code == 422
    assert api.get("/api/v1/apps?cursor=%%%").status_code in (400, 422)
