"""Fixtures for data in/out tests: forms created through the form engine, spreadsheets."""
import io

import openpyxl
import pytest

from app.form_engine import fields as field_registry
from tests.conftest import fresh

# The registry loads every family only when it is empty; importing one family module first
# (records.py imports fields.relation) would leave it partial. Load it fully up front.
field_registry.all_types()

CUSTOMER = {
    "key": "customer", "name": {"zh": "客户", "en": "Customer"}, "title_field": "name",
    "fields": [
        {"key": "name", "type": "text", "label": {"zh": "姓名", "en": "Name"}, "required": True},
        {"key": "phone", "type": "phone", "label": {"zh": "手机号", "en": "Mobile"},
         "unique": True},
        {"key": "birthday", "type": "date", "label": {"zh": "生日", "en": "Birthday"}},
        {"key": "spent", "type": "number", "label": {"zh": "消费金额", "en": "Spent"}},
        {"key": "tier", "type": "select", "label": {"zh": "会员等级", "en": "Tier"},
         "options": ["普通", "VIP"]},
    ],
}


@pytest.fixture
def make_form(api):
    """Create an app (or reuse app_id) and a form in it through the form engine."""
    from app.auth.actor import Actor
    from app.extensions import unit_of_work
    from app.form_engine import forms

    def _make(definition, app_id=None):
        if app_id is None:
            r = api.post("/api/v1/apps", json={"key": fresh("a"), "name": "App"})
            assert r.status_code == 201, r.json
            app_id = r.json["id"]
        actor = Actor(api.workspace["id"], api.user["id"], "owner")
        with unit_of_work() as s:
            form = forms.create_form(s, actor, app_id, definition)
            return app_id, form.id
    return _make


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post_file(client, path, data: bytes, name: str, **form):
    return client.post(path, data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")
