// Platform functions: the record being evaluated, the current user, tags.
import { currentEnv, fold } from '../values';
import { guard, text } from './helpers';
import { register } from './registry';

register('RECORD_ID', { min: 0, max: 0, result: 'text', category: 'platform', signature: 'RECORD_ID()', call: () => currentEnv().recordId ?? null });
register('CURRENT_USER', { min: 0, max: 0, result: 'text', category: 'platform', signature: 'CURRENT_USER()', call: () => currentEnv().currentUser ?? null });
register('HAS_TAG', { min: 1, max: 1, result: 'boolean', category: 'platform', signature: 'HAS_TAG(tag)',
  call: ([t]) => guard(() => {
    const tag = fold(text(t));
    return (currentEnv().tags ?? []).some((x) => fold(x) === tag);
  }) });
