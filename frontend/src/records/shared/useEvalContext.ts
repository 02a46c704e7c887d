// The evaluation context for live rules: workspace time zone and current user.
import { useMemo } from 'react';
import { useMe } from '../../auth/session';
import type { EvalContext } from '../entry/liveRules';

export function useEvalContext(recordId?: string | null): EvalContext {
  const me = useMe();
  return useMemo(() => ({
    tz: me.data?.workspace?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    currentUser: me.data?.user.id ?? null,
    recordId: recordId ?? null,
  }), [me.data, recordId]);
}
