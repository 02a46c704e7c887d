// Function registry: each function declares its arity, result type and implementation.
import type { Value } from '../values';

export type ResultType = 'number' | 'text' | 'boolean' | 'date' | 'datetime' | 'list' | 'any';
export type Thunk = () => Value;

export interface FnSpec {
  min: number;
  max: number | null;
  result: ResultType;
  category: 'logic' | 'math' | 'text' | 'date' | 'platform';
  /** Eager functions get values; lazy ones get thunks (IF, IFERROR, ...). */
  call?: (args: Value[]) => Value;
  lazy?: (args: Thunk[]) => Value;
  /** Signature shown in the rule editor's help, e.g. "IF(condition, then, [else])". */
  signature: string;
}

export const FUNCTIONS: Record<string, FnSpec> = {};

export function register(name: string, spec: FnSpec): void {
  FUNCTIONS[name] = spec;
}
