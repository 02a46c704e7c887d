// Platform functions: the record being evaluated, the signed-in user, the record's tags (mirrors platform.py).
import { currentEnv, fold } from '../values';
import { register } from './registry';

register('RECORD_ID', () => currentEnv().recordId ?? null);
register('CURRENT_USER', () => currentEnv().currentUser ?? null);
register('HAS_TAG', (tag) => {
  const tags = currentEnv().tags;
  if (!tags || !tags.length) return false;
  const wanted = fold(tag as string);
  return tags.some((t) => fold(String(t)) === wanted);
});
