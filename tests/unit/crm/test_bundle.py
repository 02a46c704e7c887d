"""The CRM bundle's structure: forms, labels, unique keys, and every reference and expression in it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.rule_engine.check import check
from app.rule_engine.template import check_template
from templates_lib.crm import build

BUNDLE = json.loads(Path(build.BUNDLE_PATH).read_text(encoding="utf-8"))
FORMS = {f["key"]: f for f in BUNDLE["forms"]}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ROLE_KEYS = {r["key"] for r in BUNDLE["roles"]}
# Flow-step roots whose shape depends on the step's output, not on a form.
DYNAMIC_ROOTS = {"steps": "any", "trigger": "any", "item": "any"}


def rule_schema(form_key: str, depth: int = 2) -> dict:
    """The rule schema of a form, with relations opened `depth` levels (customer.order_count)."""
    out = {}
    for f in FORMS[form_key]["fields"]:
        if f["type"] == "section":
            continue
        spec = dict(f)
        if f["type"] == "subform":
            spec["fields"] = {sub["key"]: _relation(sub, depth) for sub in f["fields"]}
        out[f["key"]] = _relation(spec, depth)
    return out


def _relation(spec: dict, depth: int) -> dict:
    if spec["type"] == "relation" and depth > 0:
        return {**spec, "fields": rule_schema(spec["target"], depth - 1)}
    return spec


def fields_of(form_key: str) -> dict:
    return {f["key"]: f for f in FORMS[form_key]["fields"]}


def labelled(value) -> bool:
    return isinstance(value, dict) and set(value) == {"zh", "en"} and all(value.values())


def assert_ok(result, where: str, text: str) -> None:
    assert result.ok, f"{where}: {text!r}: {result.errors}"


def test_bundle_header_is_the_crm_app():
    assert BUNDLE["format"] == "formloom.app/1"
    assert BUNDLE["key"] == "crm"
    assert BUNDLE["name"] == {"zh": "客户复购管理", "en": "Repurchase CRM"}
    assert labelled(BUNDLE["description"])


def test_committed_bundle_is_what_build_writes():
    assert BUNDLE == json.loads(json.dumps(build.bundle(), ensure_ascii=False))


def test_nine_forms_with_zh_and_en_labels_on_every_field():
    assert list(FORMS) == ["customer", "product", "order", "follow_up", "opportunity", "ticket",
                           "points", "coupon", "survey"]
    for form in FORMS.values():
        assert labelled(form["name"]), form["key"]
        keys = [f["key"] for f in form["fields"]]
        assert len(keys) == len(set(keys)), form["key"]
        for f in form["fields"] + [s for f in form["fields"] for s in f.get("fields", [])]:
            assert KEY.match(f["key"]), (form["key"], f["key"])
            assert labelled(f["label"]), (form["key"], f["key"])


def test_phone_and_order_number_are_unique():
    assert fields_of("customer")["phone"]["unique"] is True
    assert ["phone"] in FORMS["customer"]["unique"]
    assert fields_of("order")["order_no"]["type"] == "serial"
    assert fields_of("order")["order_no"]["prefix"] == "SO-"
    assert ["order_no"] in FORMS["order"]["unique"]


def test_relations_rollups_and_lookups_point_at_existing_forms_and_fields():
    for form in FORMS.values():
        local = {f["key"]: f for f in form["fields"]}
        for f in form["fields"] + [s for f in form["fields"] for s in f.get("fields", [])]:
            if f["type"] == "relation":
                assert f["target"] in FORMS, (form["key"], f["key"])
            if f["type"] == "rollup":
                source = fields_of(f["source"])
                assert source[f["via"]]["target"] == form["key"], (form["key"], f["key"])
                if "field" in f:
                    assert f["field"] in source, (form["key"], f["key"])
            if f["type"] == "lookup":
                scope = local if f in form["fields"] else {
                    s["key"]: s for p in form["fields"] for s in p.get("fields", []) if f in p["fields"]}
                via = scope[f["via"]]
                assert f["field"] in fields_of(via["target"]), (form["key"], f["key"])


def test_title_fields_exist():
    for form in FORMS.values():
        if "title_field" in form:
            assert form["title_field"] in fields_of(form["key"])


def _form_expressions(form: dict):
    for f in form["fields"]:
        for sub in [f] + f.get("fields", []):
            scope = ({s["key"]: s for s in f["fields"]} | rule_schema(form["key"])) if sub is not f \
                else rule_schema(form["key"])
            if sub is not f:
                scope = {k: _relation(v, 1) for k, v in scope.items()}
            for key in ("expression", "visible_when", "required_when", "filter"):
                if key in sub and not (key == "filter" and sub["type"] == "rollup"):
                    yield f"{form['key']}.{sub['key']}.{key}", sub[key], scope
            if sub["type"] == "rollup" and "filter" in sub:
                yield f"{form['key']}.{sub['key']}.filter", sub["filter"], rule_schema(sub["source"])
            default = sub.get("default")
            if isinstance(default, dict):
                yield f"{form['key']}.{sub['key']}.default", default["expression"], scope
    for i, v in enumerate(form.get("validations", [])):
        yield f"{form['key']}.validations[{i}]", v["expression"], rule_schema(form["key"])


@pytest.mark.parametrize("form_key", list(FORMS))
def test_every_form_expression_checks_against_its_form(form_key):
    for where, text, schema in _form_expressions(FORMS[form_key]):
        assert_ok(check(text, schema), where, text)


def test_formula_results_match_their_declared_type():
    for form in FORMS.values():
        schema = rule_schema(form["key"])
        for f in form["fields"]:
            if f["type"] == "formula":
                got = check(f["expression"], schema).result_type
                assert got in (f["result"], "any", "blank"), (form["key"], f["key"], got)


def test_every_form_passes_the_form_engine_definition_check():
    from app.form_engine.definition import validate_definition

    for form in FORMS.values():
        validate_definition(form, FORMS.get, self_key=form["key"])


def test_permissions_name_existing_fields():
    for form in FORMS.values():
        for role, perm in form["permissions"].items():
            for key in perm.get("readonly_fields", []) + perm.get("hidden_fields", []):
                assert key in fields_of(form["key"]), (form["key"], role, key)


def test_store_staff_see_only_their_store_customers():
    store_staff = next(r for r in BUNDLE["roles"] if r["key"] == "store_staff")
    rules = FORMS["customer"]["permissions"][store_staff["base_role"]]
    assert rules["scope"] == "department"
    assert fields_of("customer")["store"]["type"] == "department"


def test_five_roles_map_onto_workspace_roles():
    assert [r["name"]["zh"] for r in BUNDLE["roles"]] == ["店员", "销售", "客服", "运营", "管理员"]
    assert {r["base_role"] for r in BUNDLE["roles"]} <= {"member", "editor", "admin"}


def test_segments_check_against_their_form():
    keys = [s["key"] for s in BUNDLE["segments"]]
    assert len(keys) == len(set(keys)) == 6
    for seg in BUNDLE["segments"]:
        assert labelled(seg["name"])
        result = check(seg["expression"], rule_schema(seg["form"]))
        assert_ok(result, seg["key"], seg["expression"])
        assert result.result_type == "boolean", seg["key"]


# ---------------------------------------------------------------- flows

FLOWS = {f["key"]: f for f in BUNDLE["flows"]}
JOURNEYS = ["first_order", "second_order", "replenishment", "cross_sell", "birthday",
            "churn_warning", "tier_upgrade", "points", "ticket", "ticket_closed",
            "follow_up_reminder", "rfm_refresh"]


def test_ten_journeys():
    assert list(FLOWS) == JOURNEYS
    for f in FLOWS.values():
        assert labelled(f["name"])


@pytest.mark.parametrize("key", JOURNEYS)
def test_flow_passes_the_flow_engine_graph_check(key):
    from app.flow_engine import graph

    class BundleChecker(graph.Checker):
        def form(self, form_key):
            return FORMS.get(form_key)

    checker = BundleChecker(None, "ws", "app", FLOWS[key])
    if not graph._check_schema(checker, FLOWS[key]):
        graph._check_semantics(checker)
    assert not checker.errors, checker.errors


def _flow_set_targets(flow: dict):
    trigger_form = flow["trigger"].get("form")
    for node in flow["nodes"]:
        if node["type"] == "create_record":
            yield node, node["form"]
        elif node["type"] == "update_record" and node.get("for_each"):
            yield node, "customer"          # the nightly RFM write-back: item.customer
        elif node["type"] == "update_record":
            target = node.get("target", "record")
            yield node, trigger_form if target == "record" else target["form"]


@pytest.mark.parametrize("key", JOURNEYS)
def test_flow_expressions_type_check_with_the_rule_engine(key):
    flow = FLOWS[key]
    form = flow["trigger"].get("form")
    schema = rule_schema(form, depth=0) if form else {}
    roots = {**DYNAMIC_ROOTS, "record": schema}
    texts = [("trigger.condition", flow["trigger"].get("condition"), schema, False)]
    for node in flow["nodes"]:
        for k in ("expression", "until"):
            texts.append((f"{node['id']}.{k}", node.get(k), {}, False))
        for k in ("body", "title"):
            text = node.get(k)
            for lang_text in (text.values() if isinstance(text, dict) else [text]):
                texts.append((f"{node['id']}.{k}", lang_text, {}, True))
    for node, target in _flow_set_targets(flow):
        for field_key, expr in node["set"].items():
            assert field_key in fields_of(target), (node["id"], field_key)
            texts.append((f"{node['id']}.set.{field_key}", expr, {}, False))
    for where, text, own, is_template in texts:
        if text:
            result = (check_template if is_template else check)(text, own, allow_roots=roots)
            assert_ok(result, where, text)


def test_marketing_messages_are_capped_and_sms_short():
    for flow in FLOWS.values():
        for node in flow["nodes"]:
            if node["type"] != "send_message":
                continue
            if node.get("marketing"):
                assert node["frequency_cap"] == {"max": 2, "per": "7d"}
            assert labelled(node["body"]), (flow["key"], node["id"])
            if node["channel"] == "sms":
                zh = re.sub(r"\{\{.*?\}\}", "某某某某", node["body"]["zh"])
                assert len(zh) <= 70, (flow["key"], node["id"], len(zh))


def test_marketing_journeys_check_consent_in_the_trigger_and_on_each_message():
    for key in ("first_order", "second_order", "replenishment", "cross_sell", "birthday"):
        flow = FLOWS[key]
        consent = flow["settings"]["consent_field"]
        assert consent in flow["trigger"]["condition"], key
        assert consent in fields_of(flow["trigger"]["form"])
    assert FLOWS["churn_warning"]["settings"]["consent_field"] == "consent_marketing"


def test_holdout_journeys_split_ten_percent_and_log_the_holdout():
    for key in ("second_order", "churn_warning"):
        nodes = {n["id"]: n for n in FLOWS[key]["nodes"]}
        split = nodes["split"]["branches"]
        assert {b["key"]: b["weight"] for b in split} == {"send": 90, "holdout": 10}
        assert nodes["h_touch"]["set"]["group"] == "'对照'"
        holdout_path = [e["to"] for e in FLOWS[key]["edges"] if e.get("when") == "holdout"]
        assert not any(nodes[n]["type"] == "send_message" for n in holdout_path)


# ---------------------------------------------------------------- dashboards

ANALYSIS_KEYS = ("customer", "date", "amount")


def _queried_fields(query: dict):
    for d in query.get("dimensions", []) + query.get("rows", []) + query.get("columns", []):
        yield d["field"].split(".")[0]
    for m in query.get("measures", []):
        if "field" in m:
            yield m["field"]
    for k in ANALYSIS_KEYS:
        if k in query and query.get("kind") in ("rfm", "cohort", "repurchase"):
            yield query[k]
    if query.get("kind") == "funnel" and "field" in query:
        yield query["field"]


def test_six_dashboards_reference_existing_forms_and_fields():
    assert [d["key"] for d in BUNDLE["dashboards"]] == ["overview", "rfm", "lifecycle",
                                                        "journeys", "service", "sales"]
    system = {"created_at", "updated_at"}
    for dash in BUNDLE["dashboards"]:
        assert labelled(dash["name"])
        ids = [w["id"] for w in dash["widgets"]]
        assert len(ids) == len(set(ids))
        for w in dash["widgets"]:
            q = w["query"]
            assert labelled(w["title"]) and q["source"] in FORMS, (dash["key"], w["id"])
            known = set(fields_of(q["source"])) | system
            for f in _queried_fields(q):
                assert f in known, (dash["key"], w["id"], f)
            schema = rule_schema(q["source"])
            if "filter" in q:
                assert_ok(check(q["filter"], schema), f"{dash['key']}.{w['id']}", q["filter"])
            for stage in q.get("stages", []):
                if isinstance(stage, dict):
                    assert_ok(check(stage["filter"], schema), w["id"], stage["filter"])
        for flt in dash["filters"]:
            assert any(flt["field"] in set(fields_of(w["query"]["source"])) | system
                       for w in dash["widgets"]), (dash["key"], flt["key"])


def test_dashboards_and_widget_specs_pass_the_report_engine_schemas():
    from app.report_engine import spec

    for dash in BUNDLE["dashboards"]:
        assert not spec.schema_errors("dashboard", dash), dash["key"]
        for w in dash["widgets"]:
            assert not spec.schema_errors("report_spec", w["query"]), (dash["key"], w["id"])
