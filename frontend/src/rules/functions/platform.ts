// Platform functions: the record being evaluated, the signed-in user, the record's tags, public form links (mirrors platform.py).
import { currentEnv, fold, NA, VALUE } from '../values';
import { register } from './registry';

register('RECORD_ID', () => currentEnv().recordId ?? null);
register('CURRENT_USER', () => currentEnv().currentUser ?? null);
register('HAS_TAG', (tag) => {
  const tags = currentEnv().tags;
  if (!tags || !tags.length) return false;
  const wanted = fold(tag as string);
  return tags.some((t) => fold(String(t)) === wanted);
});
// Server only: the link's signature needs the server's secret, so the browser checks the call
// like the server does and answers #N/A, as the server does for a form without a public link.
register('PUBLIC_LINK', (_formKey, ...pairs) => {
  if (pairs.length % 2) return VALUE;
  for (let i = 0; i < pairs.length; i += 2) if (typeof pairs[i] !== 'string' || pairs[i] === '') return VALUE;
  return NA;
});
