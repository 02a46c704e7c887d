"""Pure pieces of the report engine: drill-down expressions, bucket ranges, segments, field map
with subform columns, hot-field names."""
from __future__ import annotations

import datetime as dt

from app.report_engine import hot_fields
from app.report_engine.analyses.rfm import segment_of
from app.report_engine.dashboards import bucket_range, quote, value_expression
from app.report_engine.fields import field_map


def test_bucket_ranges():
    assert bucket_range("2025-02", "month") == (dt.date(2025, 2, 1), dt.date(2025, 3, 1))
    assert bucket_range("2025-12", "month") == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    assert bucket_range("2025-Q4", "quarter") == (dt.date(2025, 10, 1), dt.date(2026, 1, 1))
    assert bucket_range("2024-12-30", "week") == (dt.date(2024, 12, 30), dt.date(2025, 1, 6))


def test_value_expressions():
    assert quote("it's") == "'it''s'"
    assert value_expression("status", None) == "ISBLANK(status)"
    assert value_expression("tags", "vip", multi=True) == "CONTAINS(tags, 'vip')"
    assert value_expression("at", "2025", "year") == "at >= DATE(2025, 1, 1) and at < DATE(2026, 1, 1)"


def test_segments():
    assert segment_of(5, 5, 5) == "重要价值" and segment_of(1, 1, 1) == "流失"
    assert segment_of(3, 2, 2) == "新客"


def test_field_map_exposes_subform_columns():
    fields = field_map({"fields": [{"key": "items", "type": "subform", "fields": [
        {"key": "category", "type": "select"}, {"key": "qty", "type": "number"}]}]})
    assert fields["items.category"].parent == "items" and fields["items.category"].own_key == "category"
    assert fields["items.qty"].value_type == "number" and fields["items"].parent is None


def test_hot_field_names_are_stable_and_prefixed():
    assert hot_fields.object_name("postgresql", "status").startswith("st_rpt_")
    assert hot_fields.object_name("sqlite", "status").startswith("ix_rpt_")
    assert hot_fields.object_name("sqlite", "status") == hot_fields.object_name("sqlite", "status")
