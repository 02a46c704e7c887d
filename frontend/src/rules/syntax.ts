// Tokenizer and parser: Excel habits (=, <>, &, ^, %, any-case TRUE/AND(...)) into a small safe AST.
import { RuleError } from './errors';
import { FUNCTIONS } from './functions';

export const MAX_EXPRESSION_LENGTH = 4000;
export const MAX_NODES = 500;
export const MAX_DEPTH = 50;

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '&' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'and' | 'or';

export type Node =
  | { t: 'num'; v: number; pos: number; end: number }
  | { t: 'str'; v: string; pos: number; end: number }
  | { t: 'bool'; v: boolean; pos: number; end: number }
  | { t: 'null'; pos: number; end: number }
  | { t: 'name'; path: string[]; pos: number; end: number }
  | { t: 'call'; name: string; args: Node[]; pos: number; end: number }
  | { t: 'unary'; op: '-' | '+' | 'not' | 'percent'; x: Node; pos: number; end: number }
  | { t: 'binary'; op: BinaryOp; l: Node; r: Node; pos: number; end: number }
  | { t: 'list'; items: Node[]; pos: number; end: number };

type TokType = 'num' | 'str' | 'name' | 'op' | '(' | ')' | '[' | ']' | ',' | 'eof';
interface Token { type: TokType; value: string; pos: number; end: number; num?: number }

const TWO_CHAR_OPS = ['<=', '>=', '<>', '!=', '=='];
const ONE_CHAR_OPS = '+-*/%^&=<>';
const FULL_WIDTH: Record<string, string> = { '（': '(', '）': ')', '，': ',' };

function isIdentStart(c: string) {
  return /[A-Za-z_\p{L}]/u.test(c);
}
function isIdentPart(c: string) {
  return /[A-Za-z0-9_\p{L}\p{N}]/u.test(c);
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (i < n && isIdentStart(src[i])) throw new RuleError('syntax', 'unexpected_char', i, src, { char: src[i] });
      out.push({ type: 'num', value: m[0], num: Number(m[0]), pos: start, end: i });
      continue;
    }
    if (c === "'" || c === '"' || c === '“' || c === '‘') {
      const close = c === '“' ? '”' : c === '‘' ? '’' : c;
      let text = '';
      i++;
      for (;;) {
        if (i >= n) throw new RuleError('syntax', 'unterminated_string', start, src);
        const ch = src[i];
        if (ch === close) {
          if (src[i + 1] === close && close === c) { text += ch; i += 2; continue; }
          i++;
          break;
        }
        if (ch === '\\' && i + 1 < n && (src[i + 1] === close || src[i + 1] === '\\')) { text += src[i + 1]; i += 2; continue; }
        text += ch;
        i++;
      }
      out.push({ type: 'str', value: text, pos: start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && (isIdentPart(src[i]) || (src[i] === '.' && i + 1 < n && isIdentStart(src[i + 1])))) i++;
      out.push({ type: 'name', value: src.slice(start, i), pos: start, end: i });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.includes(two)) {
      out.push({ type: 'op', value: two, pos: start, end: i + 2 });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.includes(c)) { out.push({ type: 'op', value: c, pos: start, end: i + 1 }); i++; continue; }
    const mapped = FULL_WIDTH[c] ?? c;
    if ('()[],'.includes(mapped)) { out.push({ type: mapped as TokType, value: c, pos: start, end: i + 1 }); i++; continue; }
    if (c === '!' ) throw new RuleError('syntax', 'unexpected_char', i, src, { char: c });
    throw new RuleError('syntax', 'unexpected_char', i, src, { char: c });
  }
  out.push({ type: 'eof', value: '', pos: n, end: n });
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in']);
const COMPARISON: Record<string, BinaryOp> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

class Parser {
  private i = 0;
  private nodes = 0;
  private depth = 0;
  constructor(private readonly toks: Token[], private readonly src: string) {}

  private peek(k = 0): Token { return this.toks[Math.min(this.i + k, this.toks.length - 1)]; }
  private next(): Token { return this.toks[this.i++]; }
  private isKeyword(tok: Token, word: string) {
    return tok.type === 'name' && tok.value.toLowerCase() === word && this.peek(1) !== undefined;
  }
  /** Keywords are only looked for in operator position, so `x and (y)` is the operator. */
  private kw(word: string, k = 0): boolean {
    return this.isKeyword(this.peek(k), word);
  }
  private count(pos: number) {
    if (++this.nodes > MAX_NODES) throw new RuleError('limit', 'too_many_nodes', pos, this.src, { limit: MAX_NODES });
  }
  private enter(pos: number) {
    if (++this.depth > MAX_DEPTH) throw new RuleError('limit', 'too_deep', pos, this.src, { limit: MAX_DEPTH });
  }
  private fail(tok: Token): never {
    if (tok.type === 'eof') throw new RuleError('syntax', 'unexpected_end', tok.pos, this.src);
    throw new RuleError('syntax', 'unexpected_token', tok.pos, this.src, { token: tok.value });
  }

  parse(): Node {
    if (this.peek().type === 'eof') throw new RuleError('syntax', 'empty', 0, this.src);
    if (this.peek().type === 'op' && this.peek().value === '=' && this.toks.length > 2) this.i++; // leading "=" like a cell formula
    const node = this.or();
    const tok = this.peek();
    if (tok.type !== 'eof') {
      if (tok.type === 'op' && tok.value === '=' ) this.fail(tok);
      this.fail(tok);
    }
    return node;
  }

  private bin(op: BinaryOp, l: Node, r: Node): Node {
    this.count(l.pos);
    return { t: 'binary', op, l, r, pos: l.pos, end: r.end };
  }

  private or(): Node {
    let l = this.and();
    while (this.kw('or')) { this.next(); l = this.bin('or', l, this.and()); }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.kw('and')) { this.next(); l = this.bin('and', l, this.not()); }
    return l;
  }
  private not(): Node {
    if (this.kw('not')) {
      const tok = this.next();
      this.enter(tok.pos);
      const x = this.not();
      this.depth--;
      this.count(tok.pos);
      return { t: 'unary', op: 'not', x, pos: tok.pos, end: x.end };
    }
    return this.comparison();
  }
  private comparison(): Node {
    let l = this.concat();
    for (;;) {
      const tok = this.peek();
      if (tok.type === 'op' && COMPARISON[tok.value]) { this.next(); l = this.bin(COMPARISON[tok.value], l, this.concat()); continue; }
      if (this.kw('in')) { this.next(); l = this.bin('in', l, this.concat()); continue; }
      if (this.kw('not') && this.isKeyword(this.peek(1), 'in')) { this.next(); this.next(); l = this.bin('not in', l, this.concat()); continue; }
      return l;
    }
  }
  private concat(): Node {
    let l = this.additive();
    while (this.peek().type === 'op' && this.peek().value === '&') { this.next(); l = this.bin('&', l, this.additive()); }
    return l;
  }
  private additive(): Node {
    let l = this.multiplicative();
    for (;;) {
      const tok = this.peek();
      if (tok.type === 'op' && (tok.value === '+' || tok.value === '-')) { this.next(); l = this.bin(tok.value, l, this.multiplicative()); continue; }
      return l;
    }
  }
  private multiplicative(): Node {
    let l = this.unary();
    for (;;) {
      const tok = this.peek();
      if (tok.type === 'op' && (tok.value === '*' || tok.value === '/' || tok.value === '%')) {
        this.next();
        l = this.bin(tok.value as BinaryOp, l, this.unary());
        continue;
      }
      return l;
    }
  }
  private unary(): Node {
    const tok = this.peek();
    if (tok.type === 'op' && (tok.value === '-' || tok.value === '+')) {
      this.next();
      this.enter(tok.pos);
      const x = this.unary();
      this.depth--;
      this.count(tok.pos);
      if (x.t === 'num' && tok.value === '-') return { ...x, v: -x.v, pos: tok.pos };
      return { t: 'unary', op: tok.value, x, pos: tok.pos, end: x.end };
    }
    return this.power();
  }
  private power(): Node {
    const base = this.postfix();
    if (this.peek().type === 'op' && this.peek().value === '^') {
      this.next();
      const exp = this.unary();
      return this.bin('^', base, exp);
    }
    return base;
  }
  /** `10%` is a percentage when nothing that could be an operand follows the `%`. */
  private postfix(): Node {
    let x = this.primary();
    while (this.peek().type === 'op' && this.peek().value === '%' && this.percentFollows()) {
      const tok = this.next();
      this.count(tok.pos);
      x = { t: 'unary', op: 'percent', x, pos: x.pos, end: tok.end };
    }
    return x;
  }
  private percentFollows(): boolean {
    const after = this.peek(1);
    if (['eof', ')', ']', ','].includes(after.type)) return true;
    if (after.type === 'op') return true;
    return after.type === 'name' && KEYWORDS.has(after.value.toLowerCase());
  }

  private primary(): Node {
    const tok = this.next();
    this.count(tok.pos);
    switch (tok.type) {
      case 'num':
        return { t: 'num', v: tok.num!, pos: tok.pos, end: tok.end };
      case 'str':
        return { t: 'str', v: tok.value, pos: tok.pos, end: tok.end };
      case '(': {
        this.enter(tok.pos);
        const first = this.or();
        if (this.peek().type === ',') {
          const items = [first];
          while (this.peek().type === ',') { this.next(); if (this.peek().type === ')') break; items.push(this.or()); }
          const close = this.expectClose(')', tok);
          this.depth--;
          return { t: 'list', items, pos: tok.pos, end: close.end };
        }
        const close = this.expectClose(')', tok);
        this.depth--;
        return { ...first, pos: tok.pos, end: close.end };
      }
      case '[': {
        this.enter(tok.pos);
        const items: Node[] = [];
        if (this.peek().type !== ']') {
          items.push(this.or());
          while (this.peek().type === ',') { this.next(); if (this.peek().type === ']') break; items.push(this.or()); }
        }
        const close = this.expectClose(']', tok);
        this.depth--;
        return { t: 'list', items, pos: tok.pos, end: close.end };
      }
      case 'name':
        return this.nameOrCall(tok);
      default:
        this.fail(tok);
    }
  }

  private expectClose(type: ')' | ']', open: Token): Token {
    const tok = this.peek();
    if (tok.type === type) return this.next();
    if (tok.type === 'eof') throw new RuleError('syntax', 'unclosed_paren', open.pos, this.src);
    this.fail(tok);
  }

  private nameOrCall(tok: Token): Node {
    const raw = tok.value;
    const lower = raw.toLowerCase();
    const parts = raw.split('.');
    for (const p of parts) {
      if (p.startsWith('_')) throw new RuleError('syntax', 'underscore_name', tok.pos, this.src, { name: raw });
    }
    if (this.peek().type === '(') {
      if (parts.length > 1) throw new RuleError('syntax', 'method_call', tok.pos, this.src, { name: raw });
      return this.call(tok);
    }
    if (this.peek().type === '[') throw new RuleError('syntax', 'subscript', this.peek().pos, this.src);
    if (parts.length === 1) {
      if (lower === 'true') return { t: 'bool', v: true, pos: tok.pos, end: tok.end };
      if (lower === 'false') return { t: 'bool', v: false, pos: tok.pos, end: tok.end };
      if (lower === 'null' || lower === 'none') return { t: 'null', pos: tok.pos, end: tok.end };
      if (KEYWORDS.has(lower)) this.fail(tok);
    }
    return { t: 'name', path: parts, pos: tok.pos, end: tok.end };
  }

  private call(tok: Token): Node {
    const name = tok.value.toUpperCase();
    const fn = FUNCTIONS[name];
    if (!fn) throw new RuleError('name', 'unknown_function', tok.pos, this.src, { name: tok.value }, tok.value.length);
    const open = this.next();
    this.enter(open.pos);
    const args: Node[] = [];
    if (this.peek().type !== ')') {
      args.push(this.or());
      while (this.peek().type === ',') { this.next(); args.push(this.or()); }
    }
    const close = this.expectClose(')', open);
    this.depth--;
    if (args.length < fn.min || (fn.max !== null && args.length > fn.max)) {
      const expected = fn.max === null ? `${fn.min}+` : fn.min === fn.max ? String(fn.min) : `${fn.min}-${fn.max}`;
      throw new RuleError('name', 'arity', tok.pos, this.src, { name, expected, got: args.length }, tok.value.length);
    }
    return { t: 'call', name, args, pos: tok.pos, end: close.end };
  }
}

const cache = new Map<string, Node>();
const CACHE_LIMIT = 2000;

/** Parses an expression (cached); throws RuleError with a position. */
export function parse(src: string): Node {
  const hit = cache.get(src);
  if (hit) return hit;
  if (src.length > MAX_EXPRESSION_LENGTH) throw new RuleError('limit', 'too_long', MAX_EXPRESSION_LENGTH, src, { limit: MAX_EXPRESSION_LENGTH });
  const node = new Parser(tokenize(src), src).parse();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(src, node);
  return node;
}
