"""Places: address {province, city, district, detail} and location {lat, lng, label}."""
from __future__ import annotations

import json

from app.form_engine.fields import FieldType, add_error, field_type
from app.form_engine.fields.number import is_number
from app.i18n import _

ADDRESS_PARTS = ("province", "city", "district", "detail")


@field_type("address")
class Address(FieldType):
    rule_type = "object"
    sql_kind = "json"

    def value_schema(self, field):
        return {"oneOf": [{"type": "null"}, {
            "type": "object", "additionalProperties": False,
            "properties": {p: {"type": ["string", "null"], "maxLength": 500} for p in ADDRESS_PARTS}}]}

    def checker(self, field):
        def check(value, path, errors):
            if not isinstance(value, dict) or not set(value) <= set(ADDRESS_PARTS) \
                    or not all(v is None or (isinstance(v, str) and len(v) <= 500)
                               for v in value.values()):
                add_error(errors, path, _("Must be an address {province, city, district, detail}",
                                          "必须是地址 {province, city, district, detail}"))
            return value
        return check

    def to_text(self, value, field):
        return " ".join(value[p] for p in ADDRESS_PARTS if value.get(p)) if value else ""

    def from_text(self, text, field):
        text = text.strip()
        if not text:
            return None
        if text.startswith("{"):
            return json.loads(text)
        return {"detail": text}


@field_type("location")
class Location(FieldType):
    rule_type = "object"
    sql_kind = "json"

    def value_schema(self, field):
        return {"oneOf": [{"type": "null"}, {
            "type": "object", "additionalProperties": False, "required": ["lat", "lng"],
            "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90},
                           "lng": {"type": "number", "minimum": -180, "maximum": 180},
                           "label": {"type": ["string", "null"], "maxLength": 500}}}]}

    def checker(self, field):
        def check(value, path, errors):
            ok = (isinstance(value, dict) and set(value) <= {"lat", "lng", "label"}
                  and is_number(value.get("lat")) and is_number(value.get("lng"))
                  and -90 <= value["lat"] <= 90 and -180 <= value["lng"] <= 180
                  and (value.get("label") is None
                       or (isinstance(value["label"], str) and len(value["label"]) <= 500)))
            if not ok:
                add_error(errors, path, _("Must be a location {lat, lng, label}",
                                          "必须是位置 {lat, lng, label}"))
            return value
        return check

    def to_text(self, value, field):
        return f"{value['lat']},{value['lng']}" if value else ""

    def from_text(self, text, field):
        text = text.strip()
        if not text:
            return None
        lat, lng = (float(p) for p in text.split(",")[:2])
        return {"lat": lat, "lng": lng}
