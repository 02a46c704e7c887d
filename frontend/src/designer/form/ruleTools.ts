// Pure helpers for the rule editor: references in an expression, completion context, the call around the caret.
import type { FieldDef } from '../../api/types';
import { parse, RuleError } from '../../rules';
import type { Node } from '../../rules/syntax';

export function referencedPaths(node: Node): string[][] {
  const out: string[][] = [];
  const walk = (n: Node) => {
    switch (n.t) {
      case 'name': out.push(n.path); break;
      case 'call': n.args.forEach(walk); break;
      case 'unary': walk(n.x); break;
      case 'binary': walk(n.l); walk(n.r); break;
      case 'bool': n.values.forEach(walk); break;
      case 'list': n.items.forEach(walk); break;
      default: break;
    }
  };
  walk(node);
  return out;
}

export interface LocalCheck {
  error: RuleError | null;
  references: string[];
}

/** Syntax, functions and arity (from the parser) plus unknown fields against the draft;
 * `allowRoots` '*' skips the name check (the names are not known in the browser). */
export function localCheck(expression: string, known: Set<string>, allowRoots: string[] | '*' = []): LocalCheck {
  if (!expression.trim()) return { error: null, references: [] };
  try {
    const tree = parse(expression);
    const refs = referencedPaths(tree);
    const roots = [...new Set(refs.map((p) => p[0]))];
    for (const root of roots) {
      if (allowRoots !== '*' && !known.has(root) && !allowRoots.includes(root)) {
        const offset = findWord(expression, root);
        return { error: new RuleError('field', 'unknown_field', offset, expression, { name: root }, root.length), references: roots };
      }
    }
    return { error: null, references: roots };
  } catch (e) {
    if (e instanceof RuleError) return { error: e, references: [] };
    throw e;
  }
}

function findWord(text: string, word: string): number {
  const re = new RegExp(`(^|[^\\p{L}\\p{N}_.'"])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'u');
  const m = re.exec(text);
  return m ? m.index + m[1].length : 0;
}

/** The identifier being typed before the caret, and where it starts. */
export function wordAt(text: string, caret: number): { word: string; start: number } {
  const before = text.slice(0, caret);
  const inString = (before.match(/'/g)?.length ?? 0) % 2 === 1 || (before.match(/"/g)?.length ?? 0) % 2 === 1;
  if (inString) return { word: '', start: caret };
  const m = /[\p{L}_][\p{L}\p{N}_.]*$/u.exec(before);
  return m ? { word: m[0], start: caret - m[0].length } : { word: '', start: caret };
}

/** The function whose argument list holds the caret, and which argument it is in. */
export function callAt(text: string, caret: number): { name: string; arg: number } | null {
  let depth = 0, arg = 0;
  for (let i = caret - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        const m = /([\p{L}_][\p{L}\p{N}_]*)\s*$/u.exec(text.slice(0, i));
        return m ? { name: m[1].toUpperCase(), arg } : null;
      }
      depth--;
    } else if (c === ',' && depth === 0) arg++;
  }
  return null;
}

export interface Suggestion { kind: 'field' | 'function'; insert: string; label: string; detail: string }

export function suggestions(word: string, fields: FieldDef[], functions: string[], lang: string, labelOf: (f: FieldDef) => string): Suggestion[] {
  if (!word) return [];
  const low = word.toLowerCase();
  const out: Suggestion[] = [];
  for (const f of fields) {
    const label = labelOf(f);
    if (f.key.toLowerCase().startsWith(low) || label.toLowerCase().includes(low)) {
      out.push({ kind: 'field', insert: f.key, label: f.key, detail: label });
    }
  }
  for (const name of functions) {
    if (name.toLowerCase().startsWith(low)) out.push({ kind: 'function', insert: `${name}(`, label: name, detail: lang.startsWith('zh') ? '函数' : 'function' });
  }
  return out.slice(0, 12);
}
