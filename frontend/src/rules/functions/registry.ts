// Function registry: arity and parameter kinds come from catalog.json (generated from the Python
// engine), implementations are registered per category module.
import catalog from './catalog.json';
import type { Value } from '../values';

export type ResultType = 'number' | 'text' | 'boolean' | 'date' | 'datetime' | 'list' | 'any';
export type Kind = 'number' | 'text' | 'date' | 'day' | 'boolean' | 'any' | 'values' | 'list' | 'criteria';
export type Thunk = () => Value;

export interface CatalogEntry {
  category: string;
  params: string[];
  variadic: string | null;
  min: number;
  max: number | null;
  lazy: boolean;
  accepts_errors: boolean;
  result: string;
}

export interface FnSpec {
  name: string;
  doc: CatalogEntry;
  minArgs: number;
  maxArgs: number | null;
  arityText: string;
  /** Coercion kind of argument i. */
  kindOf: (i: number) => Kind | null;
  acceptsErrors: boolean;
  call?: (...args: Value[]) => Value;
  lazy?: (args: Thunk[]) => Value;
}

export const CATALOG = catalog as Record<string, CatalogEntry>;
export const FUNCTIONS: Record<string, FnSpec> = {};

function spec(name: string): Omit<FnSpec, 'call' | 'lazy'> {
  const doc = CATALOG[name];
  if (!doc) throw new Error(`function ${name} is not in catalog.json`);
  const lo = doc.min, hi = doc.max;
  return {
    name, doc, minArgs: lo, maxArgs: hi,
    arityText: hi === null ? `${lo}+` : lo === hi ? String(lo) : `${lo}-${hi}`,
    kindOf: (i) => (i < doc.params.length ? (doc.params[i].replace(/\?$/, '') as Kind) : (doc.variadic as Kind | null)),
    acceptsErrors: doc.accepts_errors,
  };
}

export function register(name: string, call: (...args: Value[]) => Value): void {
  FUNCTIONS[name] = { ...spec(name), call };
}

export function registerLazy(name: string, lazy: (args: Thunk[]) => Value): void {
  FUNCTIONS[name] = { ...spec(name), lazy };
}
