"""Exports stream CSV and XLSX that reopen cleanly with no formula, filtered and scoped."""
import csv
import io

import openpyxl

from tests.integration.data_io.conftest import CUSTOMER, post_file

ROWS = [["姓名", "手机号", "生日", "消费金额", "会员等级"],
        ["=HYPERLINK(\"http://evil\",\"x\")", "13800000001", "2025-03-01", 1200, "VIP"],
        ["@SUM(A1)", "13800000002", "2025-03-02", -5, "普通"],
        ["普通人", "13800000003", None, 10, "普通"]]


def _seed(api, worker, make_form):
    _app, form_id = make_form(CUSTOMER)
    text = io.StringIO()
    csv.writer(text).writerows(ROWS)
    r = post_file(api, f"/api/v1/forms/{form_id}/import", text.getvalue().encode(), "c.csv")
    assert r.status_code == 202
    worker()
    job = api.get(f"/api/v1/jobs/{r.json['job_id']}").json
    assert job["result"]["created"] == 3, job
    return form_id


def test_xlsx_export_reopens_with_no_formula(api, worker, make_form):
    form_id = _seed(api, worker, make_form)
    r = api.get(f"/api/v1/forms/{form_id}/export?format=xlsx")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    sheet = book.active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["Name", "Mobile", "Birthday", "Spent", "Tier"]
    assert all(c.data_type != "f" for row in rows for c in row)
    names = sorted(row[0].value for row in rows[1:])
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in names and "'@SUM(A1)" in names
    spent = sorted(row[3].value for row in rows[1:])
    assert spent == [-5, 10, 1200]


def test_csv_export_is_filtered_and_neutralised(api, worker, make_form):
    form_id = _seed(api, worker, make_form)
    r = api.get(f"/api/v1/forms/{form_id}/export?format=csv&filter=spent%20%3E%200",
                headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 200
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert table[0] == ["姓名", "手机号", "生日", "消费金额", "会员等级"]
    assert len(table) == 3
    assert all(not cell.startswith(("=", "+", "@")) for row in table for cell in row)


def test_export_refuses_bad_filters_and_other_workspaces(api, other_api, worker, make_form):
    form_id = _seed(api, worker, make_form)
    assert api.get(f"/api/v1/forms/{form_id}/export?format=pdf").status_code == 422
    assert api.get(f"/api/v1/forms/{form_id}/export?filter=nope%20%3E%201").status_code == 422
    assert other_api.get(f"/api/v1/forms/{form_id}/export").status_code == 404
