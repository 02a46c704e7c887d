"""Import of a messy spreadsheet (mixed date formats, blank rows, duplicates, Chinese headers,
a bad row) in both error modes and in upsert mode, run by a real worker."""
import datetime as dt
import json

from tests.integration.data_io.conftest import CUSTOMER, post_file, xlsx_bytes

MESSY = [
    ["姓名", "手机号", "生日", "消费金额", "会员等级", "备注"],
    ["张三", 13800000001, "2025/3/1", "¥1,200", "VIP", "x"],
    [None, None, None, None, None, None],
    ["李四", "138 0000 0002", "2025年3月2日", 300, "普通", None],
    ["王五", "13800000003", dt.datetime(2025, 3, 3), "abc", "普通", None],
    ["张三二", "13800000001", "2025-03-04", 50, "vip", None],
    ["赵六", "13800000004", 45720, "10", "普通", None],
]


def _records(api, form_id):
    from app.extensions import unit_of_work
    from app.models import Record

    with unit_of_work() as s:
        rows = s.query(Record).filter(Record.form_id == form_id).all()
        return {r.data["phone"]: r.data for r in rows}


def _run(api, worker, form_id, **form):
    r = post_file(api, f"/api/v1/forms/{form_id}/import", xlsx_bytes(MESSY), "客户.xlsx", **form)
    assert r.status_code == 202, r.json
    worker()
    job = api.get(f"/api/v1/jobs/{r.json['job_id']}")
    assert job.status_code == 200
    return job.json


def test_preview_suggests_mapping_from_chinese_headers(api, make_form):
    _app, form_id = make_form(CUSTOMER)
    r = post_file(api, f"/api/v1/forms/{form_id}/import/preview", xlsx_bytes(MESSY), "c.xlsx")
    assert r.status_code == 200, r.json
    assert r.json["mapping"] == {"姓名": "name", "手机号": "phone", "生日": "birthday",
                                 "消费金额": "spent", "会员等级": "tier", "备注": None}
    assert [row["row"] for row in r.json["rows"]] == [2, 4, 5, 6, 7]


def test_skip_bad_rows_imports_the_good_ones_and_reports_every_problem(api, make_form, worker):
    _app, form_id = make_form(CUSTOMER)
    job = _run(api, worker, form_id, on_error="skip_bad")
    assert job["status"] == "succeeded"
    assert job["progress"] == {"done": 5, "total": 5}  # the blank row is skipped
    assert job["result"]["created"] == 3
    problems = {(e["row"], e["column"]) for e in job["errors"]}
    assert (5, "消费金额") in problems and (6, "手机号") in problems
    data = _records(api, form_id)
    assert data["13800000001"]["birthday"] == "2025-03-01"
    assert data["13800000001"]["spent"] == 1200 and data["13800000001"]["tier"] == "VIP"
    assert data["13800000002"]["birthday"] == "2025-03-02"
    assert data["13800000004"]["birthday"] == "2025-03-04"
    report = api.get(f"/api/v1/jobs/{job['id']}/errors.csv")
    assert report.status_code == 200 and "消费金额" in report.data.decode("utf-8-sig")


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(api, make_form, worker):
    _app, form_id = make_form(CUSTOMER)
    job = _run(api, worker, form_id, on_error="all_or_nothing")
    assert job["status"] == "failed"
    assert {e["row"] for e in job["errors"]} >= {5, 6}
    assert _records(api, form_id) == {}


def test_upsert_by_phone_updates_instead_of_duplicating(api, make_form, worker):
    _app, form_id = make_form(CUSTOMER)
    job = _run(api, worker, form_id, mode="upsert", key="phone", on_error="skip_bad")
    assert job["status"] == "succeeded", job
    assert job["result"]["created"] == 3 and job["result"]["updated"] == 1
    data = _records(api, form_id)
    assert data["13800000001"]["name"] == "张三二" and data["13800000001"]["spent"] == 50
    again = _run(api, worker, form_id, mode="upsert", key="phone", on_error="skip_bad")
    assert again["result"]["created"] == 0 and again["result"]["updated"] == 4
    assert len(_records(api, form_id)) == 3


def test_import_settings_are_checked_before_queueing(api, make_form):
    _app, form_id = make_form(CUSTOMER)
    url = f"/api/v1/forms/{form_id}/import"
    bad_key = post_file(api, url, xlsx_bytes(MESSY), "c.xlsx", mode="upsert", key="name")
    assert bad_key.status_code == 422
    bad_map = post_file(api, url, xlsx_bytes(MESSY), "c.xlsx",
                        mapping=json.dumps({"姓名": "nope"}))
    assert bad_map.status_code == 422


def test_other_workspace_cannot_import_or_read_jobs(api, other_api, make_form, worker):
    _app, form_id = make_form(CUSTOMER)
    assert post_file(other_api, f"/api/v1/forms/{form_id}/import", xlsx_bytes(MESSY),
                     "c.xlsx").status_code == 404
    r = post_file(api, f"/api/v1/forms/{form_id}/import", xlsx_bytes(MESSY), "c.xlsx")
    assert other_api.get(f"/api/v1/jobs/{r.json['job_id']}").status_code == 404
    assert other_api.get(f"/api/v1/jobs/{r.json['job_id']}/errors.csv").status_code == 404
