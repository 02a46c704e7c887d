// Signatures and help of the functions, in en and zh (generated into docs.json); only the rule editor loads them.
import docs from './docs.json';

export interface FunctionDoc { signature: string; en?: string; zh?: string; example_en?: string; example_zh?: string }

export const FUNCTION_DOCS = docs as Record<string, FunctionDoc>;
