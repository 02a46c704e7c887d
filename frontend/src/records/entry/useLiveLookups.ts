// Lookup fields follow their relation while the user picks it: the related record is fetched
// (cached) and the looked-up value shown before saving; the server stores the real copy.
import { useMemo } from 'react';
import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { FormDefinition, RecordItem } from '../../api/types';
import type { LiveState } from './liveRules';

export function useLiveLookups(def: FormDefinition, live: LiveState): LiveState {
  const lookups = def.fields.filter((f) => f.type === 'lookup' && f.via && f.field);
  const ids = [...new Set(lookups.map((f) => live.data[f.via!]).filter((v): v is string => typeof v === 'string' && v !== ''))];
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['record', id],
      queryFn: () => api.get<RecordItem>(`/records/${id}`),
      staleTime: 60_000,
    })),
  });
  const byId = new Map(results.map((r, i) => [ids[i], r.data]));
  const key = results.map((r) => r.dataUpdatedAt).join(',');
  return useMemo(() => {
    if (!lookups.length) return live;
    const data = { ...live.data };
    for (const f of lookups) {
      const related = live.data[f.via!];
      if (typeof related !== 'string' || !related) data[f.key] = null;
      else if (byId.get(related)) data[f.key] = byId.get(related)!.data[f.field!] ?? null;
    }
    return { ...live, data };
    // byId is rebuilt each render; `key` says when its contents changed
  }, [live, key]);
}
