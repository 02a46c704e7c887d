"""The import/export text form of every field type (fields' to_text/from_text): what a value
exports as, what texts import as, which texts are refused, and what survives a round trip."""
from __future__ import annotations

import json

import pytest

from app.form_engine import fields

FILE = {"id": "f1", "name": "报价单.pdf", "size": 1200, "content_type": "application/pdf"}
PHOTO = {"id": "f2", "name": "a.png", "size": 10, "content_type": "image/png"}
ROWS = [{"sku": "A-1", "qty": 2}, {"sku": "B", "qty": None}]

# type -> (extra definition keys, [(stored value, export text)], [(import text, value)],
#          [texts import refuses], [values that survive export then import])
CASES = {
    "text": ({}, [("a, b", "a, b"), (None, "")], [("  hi  ", "hi"), ("", None), ("   ", None)],
             [], ["Hello 你好"]),
    "textarea": ({}, [("line 1\nline 2", "line 1\nline 2")], [("a\nb", "a\nb")], [],
                 ["多行\n文本"]),
    "richtext": ({}, [("<p>Hi</p>", "<p>Hi</p>")], [("<b>x</b>", "<b>x</b>")], [], ["<p>x</p>"]),
    "number": ({}, [(1234.5, "1234.5"), (3.0, "3"), (-0.25, "-0.25"), (None, "")],
               [("1,234.5", 1234.5), ("12%", 0.12), ("33.3%", 0.333), (" ¥ 1,000 ", 1000),
                ("-3", -3), ("1e3", 1000), ("", None)],
               ["abc", "1.2.3", "nan", "inf", "12%%"], [0.1, 12, -7.25, 12345678901234567.0]),
    "rating": ({"max": 5}, [(4, "4"), (None, "")],
               [("4", 4), ("4.0", 4), ("★★★☆☆", 3), ("4.5", 4.5), ("", None)], ["good"],
               [1, 5]),
    "checkbox": ({}, [(True, "true"), (False, "false"), (None, "")],
                 [("TRUE", True), ("yes", True), ("是", True), ("1", True), ("√", True),
                  ("false", False), ("No", False), ("否", False), ("0", False), ("", None)],
                 ["maybe", "2"], [True, False]),
    "date": ({}, [("2025-03-01", "2025-03-01")],
             [("2025-03-01", "2025-03-01"), ("2025/3/1", "2025-03-01"), ("2025.3.1", "2025-03-01"),
              ("2025年3月1日", "2025-03-01"), ("2025-03-01 10:30", "2025-03-01"),
              ("2025-03-01T10:30:00Z", "2025-03-01"), ("", None)],
             ["2025-13-01", "2025-02-30", "tomorrow", "3/1/2025"], ["2024-02-29"]),
    "datetime": ({}, [("2025-03-01T01:00:00Z", "2025-03-01T01:00:00Z")],
                 [("2025-03-01T09:00:00+08:00", "2025-03-01T01:00:00Z"),
                  ("2025-03-01 09:00+08:00", "2025-03-01T01:00:00Z"),
                  ("2025-03-01T01:00:00.250Z", "2025-03-01T01:00:00.25Z"), ("", None)],
                 ["2025-03-01 09:00", "2025-03-01", "soon"], ["2025-03-01T01:00:00Z"]),
    "select": ({"options": ["新客", "老客"]}, [("新客", "新客")], [(" 老客 ", "老客"), ("", None)], [],
               ["新客"]),
    "multiselect": ({"options": ["a", "b", "c"]}, [(["a", "b"], "a, b"), ([], ""), (None, "")],
                    [("a, b", ["a", "b"]), ("a;b", ["a", "b"]), ("a，b；c", ["a", "b", "c"]),
                     ("a | c", ["a", "c"]), ("b", ["b"]), ("", None)], [],
                    [["a"], ["b", "c"]]),
    "phone": ({}, [("+8613800138000", "+8613800138000")],
              [("138 0013 8000", "13800138000"), ("+86 138-0013-8000", "+8613800138000"),
               ("(010) 1234", "0101234"), ("", None)], [], ["13800138000"]),
    "email": ({}, [("a@b.co", "a@b.co")], [(" Ann@Example.COM ", "ann@example.com"), ("", None)],
              [], ["x@y.cn"]),
    "url": ({}, [("https://x.cn/a?b=1", "https://x.cn/a?b=1")],
            [(" https://x.cn ", "https://x.cn"), ("", None)], [], ["http://a.b/c"]),
    "serial": ({"prefix": "SO-"}, [("SO-000012", "SO-000012")], [("SO-1", "SO-1")], [],
               ["SO-000001"]),
    "user": ({}, [("01user", "01user")], [(" 01user ", "01user"), ("", None)], [], ["u1"]),
    "users": ({}, [(["u1", "u2"], "u1, u2"), (None, "")],
              [("u1, u2", ["u1", "u2"]), ("u1；u2", ["u1", "u2"]), ("", None)], [],
              [["u1"], ["u1", "u2"]]),
    "department": ({}, [("d1", "d1")], [("d1", "d1"), ("", None)], [], ["d1"]),
    "file": ({}, [([FILE, PHOTO], "报价单.pdf, a.png"), (None, "")],
             [(json.dumps([FILE]), [FILE]), ("报价单.pdf", None), ("", None)], ["[not json"], []),
    "image": ({}, [([PHOTO], "a.png")], [(json.dumps([PHOTO]), [PHOTO])], ["[{"], []),
    "signature": ({}, [(PHOTO, "a.png"), (None, "")],
                  [(json.dumps(PHOTO), PHOTO), ("a.png", None), ("", None)], ["{oops"], []),
    "address": ({}, [({"province": "广东省", "city": "深圳市", "district": None,
                       "detail": "科技园 1 号"}, "广东省 深圳市 科技园 1 号"), (None, "")],
                [('{"province": "广东省", "city": "深圳市"}', {"province": "广东省", "city": "深圳市"}),
                 ("深圳市南山区科技园", {"detail": "深圳市南山区科技园"}), ("", None)],
                ['{"province": '], [{"detail": "科技园"}]),
    "location": ({}, [({"lat": 22.5, "lng": 114.05, "label": "店"}, "22.5,114.05"), (None, "")],
                 [("22.5,114.05", {"lat": 22.5, "lng": 114.05}),
                  (" 22.5 , 114.05 ", {"lat": 22.5, "lng": 114.05}), ("", None)],
                 ["22.5", "north,east"], [{"lat": -33.9, "lng": 151.2}]),
    "subform": ({"fields": [{"key": "sku", "type": "text"}, {"key": "qty", "type": "number"}]},
                [(ROWS, json.dumps(ROWS, ensure_ascii=False)), ([], ""), (None, "")],
                [(json.dumps(ROWS), ROWS), ("", None)], ["[{oops"], [ROWS]),
    "relation": ({"target": "customer"}, [("r1", "r1"), (None, "")],
                 [("r1", "r1"), (" r1 ", "r1"), ("", None)], ["r1, r2"], ["r1"]),
    "lookup": ({"via": "customer", "field": "name"},
               [("Ann", "Ann"), (["Ann", "Bo"], "Ann, Bo"), (12.0, "12"), (True, "true"),
                (None, "")], [("Ann", "Ann"), ("", None)], [], ["Ann"]),
    "rollup": ({"source": "order", "via": "customer", "agg": "sum", "field": "amount"},
               [(1234.5, "1234.5"), (3.0, "3"), (0, "0"), (None, "")], [("", None)], [], []),
    "formula": ({"expression": "1"}, [(2.5, "2.5"), (False, "false"), ("VIP", "VIP"),
                                      ("2025-03-01", "2025-03-01"), (None, "")],
                [("", None)], [], ["VIP"]),
    "section": ({}, [(None, "")], [("", None)], [], []),
}


def test_every_registered_type_has_a_case():
    assert set(CASES) == set(fields.all_types())


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_forms(name):
    extra, exports, imports, refused, round_trips = CASES[name]
    kind, spec = fields.get(name), {"key": "f", "type": name, **extra}
    for value, text in exports:
        assert kind.to_text(value, spec) == text, (name, value)
    for text, value in imports:
        assert kind.from_text(text, spec) == value, (name, text)
    for text in refused:
        with pytest.raises(ValueError):
            kind.from_text(text, spec)
    for value in round_trips:
        assert kind.from_text(kind.to_text(value, spec), spec) == value, (name, value)


def test_percent_numbers_export_as_percent_and_read_back_exactly():
    kind = fields.get("number")
    spec = {"key": "rate", "type": "number", "format": "percent"}
    for value, text in [(0.07, "7%"), (0.125, "12.5%"), (0.333, "33.3%"), (1, "100%")]:
        assert kind.to_text(value, spec) == text
        assert kind.from_text(text, spec) == value


def test_multiple_relations_import_every_id():
    kind = fields.get("relation")
    spec = {"key": "tags", "type": "relation", "target": "tag", "multiple": True}
    assert kind.to_text(["r1", "r2"], spec) == "r1, r2"
    assert kind.from_text("r1, r2；r3", spec) == ["r1", "r2", "r3"]
