"""Static check before save: unknown fields and functions, arity, types; the fields read and the result type."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from app.rule_engine.errors import RuleError
from app.rule_engine.syntax import parse
from app.rule_engine.values import ErrorValue, parse_date_text, text_to_number

# Formloom field type -> rule type.
FIELD_TYPES = {
    "number": "number", "rating": "number", "checkbox": "boolean", "date": "date",
    "datetime": "datetime", "text": "text", "textarea": "text", "richtext": "text", "select": "text",
    "phone": "text", "email": "text", "url": "text", "serial": "text", "user": "text",
    "department": "text", "signature": "text", "multiselect": "list", "users": "list",
    "file": "list", "image": "list", "address": "object", "location": "object",
    "subform": "list", "relation": "object", "object": "object", "list": "list", "any": "any",
    "boolean": "boolean",
}
BUILTIN_SUBFIELDS = {
    "address": {k: {"type": "text"} for k in ("province", "city", "district", "detail")},
    "location": {"lat": {"type": "number"}, "lng": {"type": "number"}, "label": {"type": "text"}},
    "file": {"id": {"type": "text"}, "name": {"type": "text"}, "size": {"type": "number"},
             "content_type": {"type": "text"}},
}
BUILTIN_SUBFIELDS["image"] = BUILTIN_SUBFIELDS["file"]
SCALARS = {"number", "text", "date", "datetime", "boolean"}
LOOSE = {"any", "blank"}


@dataclass
class CheckResult:
    ok: bool
    errors: list[dict] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    result_type: str | None = None

    def to_dict(self) -> dict:
        return {"ok": self.ok, "errors": self.errors, "fields": self.fields,
                "result_type": self.result_type}


def rule_type_of(spec) -> str:
    """The rule type of a field definition (lookup, rollup and formula by their result)."""
    if isinstance(spec, str):
        return FIELD_TYPES.get(spec, "any")
    if not isinstance(spec, dict):
        return "any"
    t = spec.get("type")
    if t in ("lookup", "rollup", "formula"):
        return FIELD_TYPES.get(spec.get("result"), "any")
    if t == "relation" and spec.get("multiple"):
        return "list"
    return FIELD_TYPES.get(t, "any")


def _subfields(spec) -> dict | None:
    if isinstance(spec, str):
        return BUILTIN_SUBFIELDS.get(spec)
    if not isinstance(spec, dict):
        return None
    if "fields" in spec:
        return spec["fields"]
    return BUILTIN_SUBFIELDS.get(spec.get("type"))


def _family(t: str) -> str:
    return "date" if t in ("date", "datetime") else t


class _Checker:
    def __init__(self, text: str, schema: dict, allow_roots: dict | None):
        self.text = text
        self.schema = schema or {}
        self.roots = allow_roots or {}
        self.errors: list[RuleError] = []
        self.fields: set[str] = set()

    def error(self, code: str, node, **params):
        start = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", start + 1)
        self.errors.append(RuleError(code, start, self.text, max(1, end - start), **params))

    def mismatch(self, node, where, expected, got):
        self.error("type_mismatch", node, where=where, expected=expected, got=got)

    # -- references
    def reference(self, node) -> str:
        parts = node.parts
        root = parts[0]
        if root in self.roots:
            spec = self.roots[root]
            if spec == "any" or not isinstance(spec, dict):
                self.fields.add(".".join(parts))
                return "any"
            if len(parts) == 1:
                self.fields.add(root)
                return "object"
            return self._walk(node, parts, spec, 1, "object")
        if root not in self.schema:
            self.error("unknown_field", node, name=".".join(parts))
            return "any"
        return self._walk(node, parts, self.schema, 0, "object")

    def _walk(self, node, parts, fields: dict, index: int, _kind: str) -> str:
        spec = fields.get(parts[index]) if isinstance(fields, dict) else None
        if spec is None:
            self.error("unknown_field", node, name=".".join(parts))
            return "any"
        if isinstance(spec, dict) and spec.get("type") == "section":
            self.error("unknown_field", node, name=".".join(parts))
            return "any"
        is_list = rule_type_of(spec) == "list"
        for i in range(index + 1, len(parts)):
            sub = _subfields(spec)
            if sub is None:
                if rule_type_of(spec) in ("object", "any") or (isinstance(spec, dict) and spec.get("type") == "relation"):
                    self.fields.add(".".join(parts))
                    return "list" if is_list else "any"
                self.error("unknown_field", node, name=".".join(parts))
                return "any"
            spec = sub.get(parts[i])
            if spec is None:
                self.error("unknown_field", node, name=".".join(parts))
                return "any"
            is_list = is_list or rule_type_of(spec) == "list"
        self.fields.add(".".join(parts))
        return "list" if is_list else rule_type_of(spec)

    # -- expressions
    def visit(self, node) -> str:
        t = type(node)
        if t is ast.Constant:
            v = node.value
            if v is None:
                return "blank"
            if isinstance(v, bool):
                return "boolean"
            if isinstance(v, (int, float)):
                return "number"
            return "text"
        if t is ast.Name or t is ast.Attribute:
            return self.reference(node)
        if t is ast.List or t is ast.Tuple:
            for e in node.elts:
                self.visit(e)
            return "list"
        if t is ast.BinOp:
            return self.binop(node)
        if t is ast.UnaryOp:
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                self.expect(node.operand, operand, "boolean", ("The operand of not", "not 的操作数"))
                return "boolean"
            self.expect(node.operand, operand, "number", ("The operand of -", "负号的操作数"))
            return "number"
        if t is ast.BoolOp:
            word = "and" if isinstance(node.op, ast.And) else "or"
            for v in node.values:
                vt = self.visit(v)
                self.expect(v, vt, "boolean", (f"Each side of {word}", f"{word} 的两边"))
            return "boolean"
        if t is ast.Compare:
            return self.compare(node)
        if t is ast.Call:
            return self.call(node)
        return "any"

    def literal_ok(self, node, expected: str) -> bool:
        if type(node) is not ast.Constant or not isinstance(node.value, str):
            return False
        if expected == "number":
            return type(text_to_number(node.value)) is not ErrorValue
        if expected in ("date", "day"):
            return parse_date_text(node.value.strip()) is not None
        return False

    def expect(self, node, got: str, expected: str, where) -> None:
        if got in LOOSE:
            return
        ok = {
            "number": {"number", "boolean", "date", "datetime"},
            "text": SCALARS | {"list"},
            "date": {"date", "datetime", "number"},
            "day": {"date", "datetime", "number"},
            "boolean": {"boolean", "number"},
        }.get(expected)
        if ok is None or got in ok or self.literal_ok(node, expected):
            return
        self.mismatch(node, where, "date" if expected == "day" else expected, got)

    def binop(self, node) -> str:
        left, right = self.visit(node.left), self.visit(node.right)
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%",
                  ast.Pow: "^", ast.BitAnd: "&"}[type(node.op)]
        if symbol == "&":
            for side, st in ((node.left, left), (node.right, right)):
                if st == "object":
                    self.mismatch(side, ("A side of &", "& 的一边"), "text", st)
            return "text"
        self.expect(node.left, left, "number", (f"The left side of {symbol}", f"“{symbol}”的左边"))
        self.expect(node.right, right, "number", (f"The right side of {symbol}", f"“{symbol}”的右边"))
        if symbol in "+-":
            if left in ("date", "datetime") and right in ("date", "datetime") and symbol == "-":
                return "number"
            if left in ("date", "datetime") and right not in ("date", "datetime"):
                return left
            if right in ("date", "datetime") and symbol == "+" and left not in ("date", "datetime"):
                return right
        return "number"

    def compare(self, node) -> str:
        right_node = node.comparators[0]
        left, right = self.visit(node.left), self.visit(right_node)
        op = node.ops[0]
        if isinstance(op, (ast.In, ast.NotIn)):
            if left in ("list", "object"):
                self.mismatch(node.left, ("The left side of in", "in 的左边"), "text", left)
            if right not in ("list", "text") and right not in LOOSE:
                self.mismatch(right_node, ("The right side of in", "in 的右边"), "list", right)
            return "boolean"
        where = ("This comparison", "此比较")
        for side, st in ((node.left, left), (right_node, right)):
            if st in ("list", "object"):
                self.mismatch(side, where, "text", st)
                return "boolean"
        if left in LOOSE or right in LOOSE:
            return "boolean"
        fl, fr = _family(left), _family(right)
        if fl == fr:
            return "boolean"
        if fl == "date" and self.literal_ok(right_node, "date"):
            return "boolean"
        if fr == "date" and self.literal_ok(node.left, "date"):
            return "boolean"
        self.mismatch(right_node, where, left, right)
        return "boolean"

    def call(self, node) -> str:
        fn = node.rule_fn
        types = [self.visit(a) for a in node.args]
        for i, (arg, at) in enumerate(zip(node.args, types)):
            kind = fn.param_kind(i)
            where = (f"Argument {i + 1} of {fn.name}", f"{fn.name} 的第 {i + 1} 个参数")
            if kind in ("number", "text", "date", "day", "boolean"):
                if at == "object" or (at == "list" and kind != "text"):
                    self.mismatch(arg, where, "date" if kind == "day" else kind, at)
                else:
                    self.expect(arg, at, kind, where)
        result = fn.result
        return result(types) if callable(result) else result


def check(expression: str, schema: dict | None = None, *, lang: str = "en",
          allow_roots: dict | None = None) -> CheckResult:
    """Check an expression against the names it may read; never raises for a bad expression."""
    try:
        parsed = parse(expression)
    except RuleError as exc:
        return CheckResult(ok=False, errors=[exc.to_dict(lang)], fields=[], result_type=None)
    checker = _Checker(expression, schema or {}, allow_roots)
    result_type = checker.visit(parsed.tree)
    errors = sorted(checker.errors, key=lambda e: e.offset)
    return CheckResult(ok=not errors, errors=[e.to_dict(lang) for e in errors],
                       fields=sorted(checker.fields), result_type=result_type)
