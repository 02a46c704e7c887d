// Tokenizer and Pratt parser: spreadsheet habits in, a small safe AST out (mirrors app/rule_engine/syntax.py).
import { RuleError } from './errors';
import { FUNCTIONS } from './functions';

export const MAX_EXPRESSION_LENGTH = 5000;
export const MAX_NODES = 2000;
export const MAX_DEPTH = 48;
export const MAX_LIST_LITERAL = 1000;

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '&' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

export type Node =
  | { t: 'const'; v: null | number | string | boolean; pos: number; end: number }
  | { t: 'name'; path: string[]; pos: number; end: number }
  | { t: 'call'; name: string; args: Node[]; pos: number; end: number }
  | { t: 'unary'; op: '-' | '+' | 'not' | 'percent'; x: Node; pos: number; end: number }
  | { t: 'binary'; op: BinaryOp; l: Node; r: Node; pos: number; end: number }
  | { t: 'bool'; op: 'and' | 'or'; values: Node[]; pos: number; end: number }
  | { t: 'list'; items: Node[]; pos: number; end: number };

interface Token { kind: 'num' | 'str' | 'name' | 'op' | 'end'; value: string; num?: number; start: number; end: number; text: string }

const FULLWIDTH: Record<string, string> = { '（': '(', '）': ')', '，': ',', '【': '[', '】': ']' };
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '”': '”', '’': '’' };
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '**', ':=', '=', '<', '>', '+', '-', '*', '/', '%', '^', '&', '(', ')', ',', '.', '[', ']'];
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'TRUE', 'FALSE', 'NULL']);

// Binding powers, low to high (Excel: & below + -, unary minus above ^, ^ left-associative).
const P_OR = 1, P_AND = 2, P_NOT = 3, P_CMP = 4, P_CONCAT = 5, P_ADD = 6, P_MUL = 7, P_POW = 8, P_UNARY = 9, P_POSTFIX = 10;

const COMPARE: Record<string, BinaryOp> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const BINARY: Record<string, [number, BinaryOp]> = {
  '+': [P_ADD, '+'], '-': [P_ADD, '-'], '*': [P_MUL, '*'], '/': [P_MUL, '/'], '%': [P_MUL, '%'],
  '^': [P_POW, '^'], '**': [P_POW, '^'], '&': [P_CONCAT, '&'],
};

const isAlpha = (c: string) => /\p{L}/u.test(c);
const isAlnum = (c: string) => /[\p{L}\p{N}]/u.test(c);
const isDigit = (c: string | undefined) => c !== undefined && /[0-9]/.test(c);

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (FULLWIDTH[c]) { tokens.push({ kind: 'op', value: FULLWIDTH[c], start: i, end: i + 1, text: c }); i++; continue; }
    if (QUOTES[c]) {
      const close = QUOTES[c];
      let j = i + 1;
      const parts: string[] = [];
      for (;;) {
        const k = src.indexOf(close, j);
        if (k < 0) throw new RuleError('syntax', 'unterminated_string', i, src);
        parts.push(src.slice(j, k));
        if (src.startsWith(close, k + 1) && (close === '"' || close === "'")) {
          parts.push(close); // Excel doubles a quote inside text: "say ""hi"""
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      tokens.push({ kind: 'str', value: parts.join(''), start: i, end: j, text: src.slice(i, j) });
      i = j;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1]))) {
      NUMBER.lastIndex = i;
      const lexeme = NUMBER.exec(src)![0];
      const value = Number(lexeme);
      if (!Number.isFinite(value)) throw new RuleError('syntax', 'syntax', i, src, { detail: 'number too large' });
      tokens.push({ kind: 'num', value: lexeme, num: value, start: i, end: i + lexeme.length, text: lexeme });
      i += lexeme.length;
      continue;
    }
    if (isAlpha(c) || c === '_') {
      let j = i + 1;
      while (j < n && (isAlnum(src[j]) || src[j] === '_')) j++;
      const word = src.slice(i, j);
      if (word.startsWith('_')) throw new RuleError('syntax', 'underscore_name', i, src, { name: word }, j - i);
      tokens.push({ kind: 'name', value: word, start: i, end: j, text: word });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new RuleError('syntax', 'unexpected_char', i, src, { char: c });
    if (op === ':=') throw new RuleError('syntax', 'assignment', i, src);
    tokens.push({ kind: 'op', value: op, start: i, end: i + op.length, text: op });
    i += op.length;
  }
  tokens.push({ kind: 'end', value: '', start: n, end: n, text: '' });
  return tokens;
}

class Parser {
  private pos = 0;
  private nodes = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  private get tok(): Token { return this.tokens[this.pos]; }
  private peek(k = 1): Token { return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]; }
  private advance(): Token { return this.tokens[this.pos++]; }
  private isOp(value: string, tok: Token = this.tok) { return tok.kind === 'op' && tok.value === value; }
  private isKw(word: string, tok: Token = this.tok) { return tok.kind === 'name' && tok.value.toUpperCase() === word; }

  private errorAt(tok: Token): RuleError {
    if (tok.kind === 'op' && tok.value === '.') return new RuleError('syntax', 'attribute', tok.start, this.text);
    if (tok.kind === 'op' && tok.value === '[') return new RuleError('syntax', 'subscript', tok.start, this.text);
    if (tok.kind === 'end') return new RuleError('syntax', 'unexpected_end', tok.start, this.text);
    return new RuleError('syntax', 'unexpected_token', tok.start, this.text, { token: tok.text || tok.value }, tok.end - tok.start);
  }

  private expect(value: string, opening?: Token): Token {
    if (!this.isOp(value)) {
      if (value === ')' && opening && this.tok.kind === 'end') throw new RuleError('syntax', 'unclosed_paren', opening.start, this.text);
      throw this.errorAt(this.tok);
    }
    return this.advance();
  }

  private node<T extends Node>(node: T): T {
    if (++this.nodes > MAX_NODES) throw new RuleError('limit', 'too_many_nodes', node.pos, this.text, { limit: MAX_NODES });
    return node;
  }

  parse(): Node {
    if (this.tok.kind === 'end') throw new RuleError('syntax', 'empty', 0, this.text);
    if (this.isOp('=') && this.pos === 0) this.advance(); // a leading '=' as typed in a spreadsheet cell
    const tree = this.expression(0);
    const last: Token = this.tok;
    if (last.kind !== 'end') throw this.errorAt(last);
    return tree;
  }

  private expression(minPrec: number): Node {
    if (++this.depth > MAX_DEPTH) throw new RuleError('limit', 'too_deep', this.tok.start, this.text, { limit: MAX_DEPTH });
    let left = this.prefix();
    for (;;) {
      const t = this.tok;
      const start = left.pos;
      if (t.kind === 'name') {
        const word = t.value.toUpperCase();
        if (word === 'OR' && minPrec <= P_OR) { left = this.boolop(left, 'or', P_OR); continue; }
        if (word === 'AND' && minPrec <= P_AND) { left = this.boolop(left, 'and', P_AND); continue; }
        if (minPrec <= P_CMP && (word === 'IN' || (word === 'NOT' && this.isKw('IN', this.peek())))) {
          const negate = word === 'NOT';
          this.advance();
          if (negate) this.advance();
          const right = this.expression(P_CMP + 1);
          left = this.node({ t: 'binary', op: negate ? 'not in' : 'in', l: left, r: right, pos: start, end: right.end });
          continue;
        }
        break;
      }
      if (t.kind !== 'op') break;
      const op = t.value;
      if (COMPARE[op] && minPrec <= P_CMP) {
        this.advance();
        const right = this.expression(P_CMP + 1);
        left = this.node({ t: 'binary', op: COMPARE[op], l: left, r: right, pos: start, end: right.end });
        continue;
      }
      if (op === '%' && minPrec <= P_POSTFIX && !this.startsOperand(this.peek())) {
        this.advance(); // 50% is one half, as in a spreadsheet
        left = this.node({ t: 'unary', op: 'percent', x: left, pos: start, end: t.end });
        continue;
      }
      if (BINARY[op]) {
        const [prec, binop] = BINARY[op];
        if (prec < minPrec) break;
        this.advance();
        const right = this.expression(prec + 1);
        left = this.node({ t: 'binary', op: binop, l: left, r: right, pos: start, end: right.end });
        continue;
      }
      if (op === '(') throw new RuleError('syntax', 'syntax', t.start, this.text, { detail: 'only functions can be called' });
      break;
    }
    this.depth--;
    return left;
  }

  private startsOperand(t: Token): boolean {
    if (t.kind === 'num' || t.kind === 'str') return true;
    if (t.kind === 'name') return !['AND', 'OR', 'IN', 'NOT'].includes(t.value.toUpperCase());
    return t.kind === 'op' && (t.value === '(' || t.value === '[');
  }

  private boolop(left: Node, op: 'and' | 'or', prec: number): Node {
    const values = [left];
    const word = op.toUpperCase();
    while (this.isKw(word)) {
      this.advance();
      values.push(this.expression(prec + 1));
    }
    return this.node({ t: 'bool', op, values, pos: left.pos, end: values[values.length - 1].end });
  }

  private prefix(): Node {
    const t = this.tok;
    if (t.kind === 'num' || t.kind === 'str') {
      this.advance();
      return this.node({ t: 'const', v: t.kind === 'num' ? t.num! : t.value, pos: t.start, end: t.end });
    }
    if (t.kind === 'op') {
      if (t.value === '-' || t.value === '+') {
        this.advance();
        const operand = this.expression(P_UNARY);
        return this.node({ t: 'unary', op: t.value, x: operand, pos: t.start, end: operand.end });
      }
      if (t.value === '(') {
        this.advance();
        const first = this.expression(0);
        if (this.isOp(',')) {
          const items = [first];
          while (this.isOp(',')) { this.advance(); items.push(this.expression(0)); }
          const end = this.expect(')', t).end;
          return this.list(items, t.start, end);
        }
        this.expect(')', t);
        return first;
      }
      if (t.value === '[') {
        this.advance();
        const items: Node[] = [];
        if (!this.isOp(']')) {
          items.push(this.expression(0));
          while (this.isOp(',')) { this.advance(); items.push(this.expression(0)); }
        }
        const end = this.expect(']', t).end;
        return this.list(items, t.start, end);
      }
      throw this.errorAt(t);
    }
    if (t.kind === 'name') {
      const word = t.value.toUpperCase();
      const nxt = this.peek();
      if ((word === 'TRUE' || word === 'FALSE' || word === 'NULL') && !this.isOp('(', nxt)) {
        this.advance();
        return this.node({ t: 'const', v: word === 'NULL' ? null : word === 'TRUE', pos: t.start, end: t.end });
      }
      if (this.isOp('(', nxt)) return this.call(t);
      if (word === 'NOT') {
        this.advance();
        const operand = this.expression(P_NOT);
        return this.node({ t: 'unary', op: 'not', x: operand, pos: t.start, end: operand.end });
      }
      if (KEYWORDS.has(word)) throw this.errorAt(t);
      return this.reference(t);
    }
    throw this.errorAt(t);
  }

  private list(items: Node[], start: number, end: number): Node {
    if (items.length > MAX_LIST_LITERAL) throw new RuleError('limit', 'list_too_long', start, this.text, { limit: MAX_LIST_LITERAL });
    return this.node({ t: 'list', items, pos: start, end });
  }

  private call(nameTok: Token): Node {
    const fname = nameTok.value.toUpperCase();
    const fn = FUNCTIONS[fname];
    if (!fn) throw new RuleError('name', 'unknown_function', nameTok.start, this.text, { name: nameTok.value }, nameTok.end - nameTok.start);
    this.advance();
    const opening = this.advance();
    const args: Node[] = [];
    if (!this.isOp(')')) {
      args.push(this.expression(0));
      while (this.isOp(',')) { this.advance(); args.push(this.expression(0)); }
    }
    const end = this.expect(')', opening).end;
    const lo = fn.minArgs, hi = fn.maxArgs;
    if (args.length < lo || (hi !== null && args.length > hi)) {
      throw new RuleError('name', 'arity', nameTok.start, this.text, { name: fname, expected: fn.arityText, got: args.length }, nameTok.end - nameTok.start);
    }
    this.node({ t: 'const', v: null, pos: nameTok.start, end: nameTok.end });
    return this.node({ t: 'call', name: fname, args, pos: nameTok.start, end });
  }

  private reference(first: Token): Node {
    this.advance();
    this.node({ t: 'const', v: null, pos: first.start, end: first.end });
    const parts = [first.value];
    let end = first.end;
    while (this.isOp('.')) {
      const dot = this.advance();
      const part = this.tok;
      let attr: string;
      if (part.kind === 'num' && /^\d+$/.test(part.value)) attr = String(part.num);
      else if (part.kind === 'name') attr = part.value;
      else throw new RuleError('syntax', 'attribute', dot.start, this.text);
      this.advance();
      parts.push(attr);
      end = part.end;
      this.node({ t: 'const', v: null, pos: first.start, end });
    }
    if (this.isOp('(')) throw new RuleError('syntax', 'method_call', first.start, this.text, { name: parts.join('.') });
    if (this.isOp('[')) throw new RuleError('syntax', 'subscript', this.tok.start, this.text);
    return { t: 'name', path: parts, pos: first.start, end };
  }
}

const cache = new Map<string, Node>();
const CACHE_LIMIT = 4096;

/** Parses an expression once; later calls with the same text reuse the tree. Throws RuleError. */
export function parse(text: string): Node {
  const hit = cache.get(text);
  if (hit) return hit;
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new RuleError('limit', 'too_long', MAX_EXPRESSION_LENGTH, text.slice(0, MAX_EXPRESSION_LENGTH), { limit: MAX_EXPRESSION_LENGTH });
  }
  const tree = new Parser(text).parse();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, tree);
  return tree;
}
