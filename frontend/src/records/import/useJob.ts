// Polls GET /jobs/{id} until the job has finished; drives every progress bar.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Job } from '../../api/types';

export const FINISHED = new Set(['succeeded', 'failed', 'finished', 'done', 'cancelled', 'canceled']);

export function useJob(jobId: string | null, intervalMs = 500) {
  return useQuery({
    queryKey: ['job', jobId],
    queryFn: () => api.get<Job & { error_count?: number }>(`/jobs/${jobId}`),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : intervalMs),
    staleTime: 0,
  });
}

export function jobPercent(job: Job | undefined): number {
  if (!job) return 0;
  if (FINISHED.has(job.status) && job.status !== 'failed') return 100;
  const total = job.progress?.total ?? 0;
  const done = job.progress?.done ?? 0;
  return total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
}
