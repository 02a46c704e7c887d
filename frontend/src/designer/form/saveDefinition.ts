// Preparing a draft for saving, and mapping definition errors (JSON pointers) back to fields.
import type { FormDefinition } from '../../api/types';

export function cleanDefinition(def: FormDefinition): FormDefinition {
  const out: FormDefinition = structuredClone(def);
  if (out.validations) {
    out.validations = out.validations.filter((v) => v.expression.trim());
    if (!out.validations.length) delete out.validations;
  }
  if (out.unique) {
    out.unique = out.unique.filter((c) => c.length > 0);
    if (!out.unique.length) delete out.unique;
  }
  if (!out.title_field) delete out.title_field;
  return out;
}

/** "/fields/3/options" -> "order_no"; "/fields/2/fields/0/qty" -> "items.sku"; others stay pointers. */
export function errorsByField(def: FormDefinition, fields: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fields)) {
    const m = /^\/fields\/(\d+)(?:\/fields\/(\d+))?/.exec(path);
    let key = path;
    if (m) {
      const top = def.fields[Number(m[1])];
      const child = m[2] !== undefined ? top?.fields?.[Number(m[2])] : undefined;
      if (top) key = child ? `${top.key}.${child.key}` : top.key;
    }
    const detail = m ? path.slice(m[0].length).replace(/^\//, '') : '';
    out[key] = [...(out[key] ?? []), ...messages.map((msg) => (detail ? `${detail}: ${msg}` : msg))];
  }
  return out;
}
