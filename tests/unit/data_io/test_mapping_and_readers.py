"""Column mapping suggestions and streaming readers."""
import io

import openpyxl

from app.form_engine.io.mapping import suggest_mapping
from app.form_engine.io.readers import Sheet

DEFINITION = {"key": "customer", "fields": [
    {"key": "name", "type": "text", "label": {"zh": "姓名", "en": "Name"}},
    {"key": "phone", "type": "phone", "label": "手机号"},
    {"key": "spent", "type": "number", "label": {"zh": "消费金额", "en": "Total spent"}},
    {"key": "score", "type": "formula", "expression": "spent * 2"}]}


def test_mapping_by_key_and_labels_in_both_languages():
    mapping = suggest_mapping(["姓名*", "手机号", "Total Spent", "score", "备注"], DEFINITION)
    assert mapping == {"姓名*": "name", "手机号": "phone", "Total Spent": "spent",
                       "score": None, "备注": None}


def test_csv_in_gbk_with_blank_rows_and_short_rows():
    raw = "姓名,手机号\r\n\r\n张三,138\r\n,\r\n李四\r\n".encode("gb18030")
    sheet = Sheet(io.BytesIO(raw))
    assert sheet.headers == ["姓名", "手机号"]
    assert list(sheet.rows()) == [(3, ["张三", "138"]), (5, ["李四", None])]


def test_xlsx_read_only_with_duplicate_headers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名字", "名字", None])
    sheet.append(["a", "b", "c"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    parsed = Sheet(out)
    assert parsed.headers == ["名字", "名字 (2)", "#3"]
    assert list(parsed.rows()) == [(2, ["a", "b", "c"])]
