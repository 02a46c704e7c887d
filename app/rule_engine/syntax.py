"""Tokenizer and parser: spreadsheet habits in, a small safe Python AST (for simpleeval) out, cached."""
from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass

from app.rule_engine import operators as ops
from app.rule_engine.errors import RuleLimitError, RuleNameError, RuleSyntaxError
from app.rule_engine.functions import load_all

MAX_EXPRESSION_LENGTH = 5000
MAX_NODES = 2000
MAX_DEPTH = 48
MAX_LIST_LITERAL = 1000

FUNCTIONS = load_all()

# Full-width punctuation typed with a Chinese input method.
_FULLWIDTH = {"（": "(", "）": ")", "，": ",", "【": "[", "】": "]"}
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "”": "”", "’": "’"}
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_OPERATORS = ["==", "!=", "<>", "<=", ">=", "**", ":=", "=", "<", ">", "+", "-", "*", "/", "%", "^",
              "&", "(", ")", ",", ".", "[", "]"]
_KEYWORDS = {"AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL"}

# Binding powers, low to high (Excel: & below + -, unary minus above ^, ^ left-associative).
P_OR, P_AND, P_NOT, P_CMP, P_CONCAT, P_ADD, P_MUL, P_POW, P_UNARY, P_POSTFIX = range(1, 11)

_COMPARE = {"=": (ast.Eq, ops.eq), "==": (ast.Eq, ops.eq), "!=": (ast.NotEq, ops.ne),
            "<>": (ast.NotEq, ops.ne), "<": (ast.Lt, ops.lt), "<=": (ast.LtE, ops.le),
            ">": (ast.Gt, ops.gt), ">=": (ast.GtE, ops.ge)}
_BINARY = {"+": (P_ADD, ast.Add, ops.add), "-": (P_ADD, ast.Sub, ops.sub),
           "*": (P_MUL, ast.Mult, ops.mul), "/": (P_MUL, ast.Div, ops.div),
           "%": (P_MUL, ast.Mod, ops.mod), "^": (P_POW, ast.Pow, ops.power),
           "**": (P_POW, ast.Pow, ops.power), "&": (P_CONCAT, ast.BitAnd, ops.concat)}


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, name, op, end
    value: object
    start: int
    end: int
    text: str = ""


@dataclass(frozen=True)
class ParsedExpression:
    """A parsed expression: the original text and the AST simpleeval walks (node offsets index text)."""

    text: str
    tree: ast.AST
    node_count: int


def tokenize(text: str) -> list[Token]:
    src = text
    tokens: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
            continue
        if c in _FULLWIDTH:
            tokens.append(Token("op", _FULLWIDTH[c], i, i + 1, c))
            i += 1
            continue
        if c in _QUOTES:
            close = _QUOTES[c]
            j, parts = i + 1, []
            while True:
                k = src.find(close, j)
                if k < 0:
                    raise RuleSyntaxError("unterminated_string", i, text)
                parts.append(src[j:k])
                if src.startswith(close, k + 1) and close in "\"'":
                    parts.append(close)  # Excel doubles a quote inside text: "say ""hi"""
                    j = k + 2
                    continue
                j = k + 1
                break
            tokens.append(Token("str", "".join(parts), i, j, src[i:j]))
            i = j
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = _NUMBER.match(src, i)
            lexeme = m.group()
            if any(ch in lexeme for ch in ".eE") or len(lexeme) > 15:
                value = float(lexeme)
                if value == float("inf"):
                    raise RuleSyntaxError("syntax", i, text, detail="number too large")
            else:
                value = int(lexeme)
            tokens.append(Token("num", value, i, m.end(), lexeme))
            i = m.end()
            continue
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            word = src[i:j]
            if word.startswith("_"):
                raise RuleSyntaxError("underscore_name", i, text, j - i, name=word)
            tokens.append(Token("name", word, i, j, word))
            i = j
            continue
        for op in _OPERATORS:
            if src.startswith(op, i):
                if op == ":=":
                    raise RuleSyntaxError("assignment", i, text)
                tokens.append(Token("op", op, i, i + len(op), op))
                i += len(op)
                break
        else:
            raise RuleSyntaxError("unexpected_char", i, text, char=c)
    tokens.append(Token("end", None, n, n, ""))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.nodes = 0
        self.depth = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def is_op(self, value: str, tok: Token | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "op" and t.value == value

    def is_kw(self, word: str, tok: Token | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "name" and t.value.upper() == word

    def error_at(self, tok: Token) -> RuleSyntaxError:
        if tok.kind == "op" and tok.value == ".":
            return RuleSyntaxError("attribute", tok.start, self.text)
        if tok.kind == "op" and tok.value == "[":
            return RuleSyntaxError("subscript", tok.start, self.text)
        if tok.kind == "end":
            return RuleSyntaxError("unexpected_end", tok.start, self.text)
        return RuleSyntaxError("unexpected_token", tok.start, self.text, tok.end - tok.start,
                               token=tok.text or tok.value)

    def expect(self, value: str, opening: Token | None = None) -> Token:
        if not self.is_op(value):
            if value == ")" and opening is not None and self.tok.kind == "end":
                raise RuleSyntaxError("unclosed_paren", opening.start, self.text)
            raise self.error_at(self.tok)
        return self.advance()

    def node(self, node: ast.AST, start: int, end: int) -> ast.AST:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise RuleLimitError("too_many_nodes", start, self.text, limit=MAX_NODES)
        node.lineno, node.end_lineno = 1, 1
        node.col_offset, node.end_col_offset = start, end
        return node

    # -- grammar
    def parse(self) -> ast.AST:
        if self.tok.kind == "end":
            raise RuleSyntaxError("empty", 0, self.text)
        if self.is_op("=") and self.pos == 0:
            self.advance()  # a leading '=' as typed in a spreadsheet cell
        tree = self.expression(0)
        if self.tok.kind != "end":
            raise self.error_at(self.tok)
        return tree

    def expression(self, min_prec: int) -> ast.AST:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleLimitError("too_deep", self.tok.start, self.text, limit=MAX_DEPTH)
        left = self.prefix()
        while True:
            t = self.tok
            start = left.col_offset
            if t.kind == "name":
                word = t.value.upper()
                if word == "OR" and min_prec <= P_OR:
                    left = self._boolop(left, ast.Or, P_OR)
                    continue
                if word == "AND" and min_prec <= P_AND:
                    left = self._boolop(left, ast.And, P_AND)
                    continue
                if min_prec <= P_CMP and (word == "IN" or (word == "NOT" and self.is_kw("IN", self.peek()))):
                    negate = word == "NOT"
                    self.advance()
                    if negate:
                        self.advance()
                    right = self.expression(P_CMP + 1)
                    cmp = ast.Compare(left=left, ops=[ast.NotIn() if negate else ast.In()],
                                      comparators=[right])
                    cmp.fn = ops.not_in if negate else ops.in_
                    left = self.node(cmp, start, right.end_col_offset)
                    continue
                break
            if t.kind != "op":
                break
            op = t.value
            if op in _COMPARE and min_prec <= P_CMP:
                self.advance()
                right = self.expression(P_CMP + 1)
                node_type, fn = _COMPARE[op]
                cmp = ast.Compare(left=left, ops=[node_type()], comparators=[right])
                cmp.fn = fn
                left = self.node(cmp, start, right.end_col_offset)
                continue
            if op == "%" and min_prec <= P_POSTFIX and not self._starts_operand(self.peek()):
                self.advance()  # 50% is one half, as in a spreadsheet
                unary = ast.UnaryOp(op=ast.UAdd(), operand=left)
                unary.fn = ops.percent
                left = self.node(unary, start, t.end)
                continue
            if op in _BINARY:
                prec, node_type, fn = _BINARY[op]
                if prec < min_prec:
                    break
                self.advance()
                right = self.expression(prec + 1)
                bin_node = ast.BinOp(left=left, op=node_type(), right=right)
                bin_node.fn = fn
                left = self.node(bin_node, start, right.end_col_offset)
                continue
            if op == "(":
                raise RuleSyntaxError("syntax", t.start, self.text, detail="only functions can be called")
            break
        self.depth -= 1
        return left

    def _starts_operand(self, t: Token) -> bool:
        if t.kind in ("num", "str"):
            return True
        if t.kind == "name":
            return t.value.upper() not in ("AND", "OR", "IN", "NOT")
        return t.kind == "op" and t.value in ("(", "[")

    def _boolop(self, left: ast.AST, op_type, prec: int) -> ast.AST:
        values = [left]
        word = "OR" if op_type is ast.Or else "AND"
        while self.is_kw(word):
            self.advance()
            values.append(self.expression(prec + 1))
        if len(values) == 1:
            raise self.error_at(self.tok)
        return self.node(ast.BoolOp(op=op_type(), values=values), left.col_offset,
                         values[-1].end_col_offset)

    def prefix(self) -> ast.AST:
        t = self.tok
        if t.kind == "num" or t.kind == "str":
            self.advance()
            return self.node(ast.Constant(value=t.value), t.start, t.end)
        if t.kind == "op":
            if t.value in ("-", "+"):
                self.advance()
                operand = self.expression(P_UNARY)
                unary = ast.UnaryOp(op=ast.USub() if t.value == "-" else ast.UAdd(), operand=operand)
                unary.fn = ops.neg if t.value == "-" else ops.pos
                return self.node(unary, t.start, operand.end_col_offset)
            if t.value == "(":
                self.advance()
                first = self.expression(0)
                if self.is_op(","):
                    items = [first]
                    while self.is_op(","):
                        self.advance()
                        items.append(self.expression(0))
                    end = self.expect(")", t).end
                    return self._list(items, t.start, end, ast.Tuple)
                self.expect(")", t)
                return first
            if t.value == "[":
                self.advance()
                items = []
                if not self.is_op("]"):
                    items.append(self.expression(0))
                    while self.is_op(","):
                        self.advance()
                        items.append(self.expression(0))
                end = self.expect("]", t).end
                return self._list(items, t.start, end, ast.List)
            raise self.error_at(t)
        if t.kind == "name":
            word = t.value.upper()
            nxt = self.peek()
            if word in ("TRUE", "FALSE", "NULL") and not self.is_op("(", nxt):
                self.advance()
                value = {"TRUE": True, "FALSE": False, "NULL": None}[word]
                return self.node(ast.Constant(value=value), t.start, t.end)
            if self.is_op("(", nxt):
                return self.call(t)
            if word == "NOT":
                self.advance()
                operand = self.expression(P_NOT)
                unary = ast.UnaryOp(op=ast.Not(), operand=operand)
                unary.fn = ops.not_
                return self.node(unary, t.start, operand.end_col_offset)
            if word in _KEYWORDS:
                raise self.error_at(t)
            return self.reference(t)
        raise self.error_at(t)

    def _list(self, items, start, end, node_type):
        if len(items) > MAX_LIST_LITERAL:
            raise RuleLimitError("list_too_long", start, self.text, limit=MAX_LIST_LITERAL)
        return self.node(node_type(elts=items, ctx=ast.Load()), start, end)

    def call(self, name_tok: Token) -> ast.AST:
        fname = name_tok.value.upper()
        fn = FUNCTIONS.get(fname)
        if fn is None:
            raise RuleNameError("unknown_function", name_tok.start, self.text,
                                name_tok.end - name_tok.start, name=name_tok.value)
        self.advance()
        opening = self.advance()
        args: list[ast.AST] = []
        if not self.is_op(")"):
            args.append(self.expression(0))
            while self.is_op(","):
                self.advance()
                args.append(self.expression(0))
        end = self.expect(")", opening).end
        lo, hi = fn.min_args, fn.max_args
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise RuleNameError("arity", name_tok.start, self.text, name_tok.end - name_tok.start,
                                name=fname, expected=fn.arity_text(), got=len(args))
        func = self.node(ast.Name(id=fname, ctx=ast.Load()), name_tok.start, name_tok.end)
        node = ast.Call(func=func, args=args, keywords=[])
        node.rule_fn = fn
        return self.node(node, name_tok.start, end)

    def reference(self, first: Token) -> ast.AST:
        self.advance()
        node: ast.AST = self.node(ast.Name(id=first.value, ctx=ast.Load()), first.start, first.end)
        parts = [first.value]
        while self.is_op("."):
            dot = self.advance()
            part = self.tok
            if part.kind == "num" and isinstance(part.value, int):
                attr = str(part.value)
            elif part.kind == "name":
                attr = part.value
            else:
                raise RuleSyntaxError("attribute", dot.start, self.text)
            self.advance()
            parts.append(attr)
            node = self.node(ast.Attribute(value=node, attr=attr, ctx=ast.Load()), first.start, part.end)
        if self.is_op("("):
            raise RuleSyntaxError("method_call", first.start, self.text, name=".".join(parts))
        if self.is_op("["):
            raise RuleSyntaxError("subscript", self.tok.start, self.text)
        node.ref = ".".join(parts)
        node.parts = tuple(parts)
        return node


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> ParsedExpression:
    """Parse an expression once; later calls with the same text reuse the tree."""
    if not isinstance(text, str):
        raise RuleSyntaxError("syntax", 0, "", detail="expression must be text")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise RuleLimitError("too_long", MAX_EXPRESSION_LENGTH, text[:MAX_EXPRESSION_LENGTH],
                             limit=MAX_EXPRESSION_LENGTH)
    parser = _Parser(text)
    tree = parser.parse()
    return ParsedExpression(text=text, tree=tree, node_count=parser.nodes)
