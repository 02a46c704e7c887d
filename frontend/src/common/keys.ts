// Identifier rules shared with the back end (FORMATS.md): ^[a-z][a-z0-9_]{0,62}$.
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** Derives a key from a name; non-latin names get a fallback with a number. */
export function keyFromName(name: string, fallbackPrefix = 'item', taken: string[] = []): string {
  let base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40);
  if (!base) base = fallbackPrefix;
  let key = base;
  let n = 2;
  while (taken.includes(key)) key = `${base}_${n++}`;
  return key;
}
