// Installs a template: POST /templates/{key}/install, then follows the demo-data job if there is one.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { AppInfo, Job } from '../api/types';
import { FINISHED, jobPercent } from '../records/import/useJob';

type Stage = 'installing' | 'demo' | 'done';

export function useInstall() {
  const [busy, setBusy] = useState(false);
  const [percent, setPercent] = useState(0);
  const [stage, setStage] = useState<Stage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const stop = () => { if (timer.current) clearInterval(timer.current); timer.current = null; };
  useEffect(() => stop, []);

  const run = async (key: string, demo: boolean, onDone: (app: AppInfo) => void) => {
    setBusy(true); setError(null); setPercent(2); setStage('installing');
    // the install request reports nothing until it answers: creep towards 60% meanwhile
    timer.current = setInterval(() => setPercent((p) => (p < 60 ? p + Math.max(1, Math.round((60 - p) / 8)) : p)), 300);
    try {
      const res = await api.post<{ app: AppInfo; job_id?: string | null } | AppInfo>(`/templates/${key}/install`, { demo_data: demo });
      stop();
      const app = 'app' in res ? res.app : res;
      const jobId = 'job_id' in res ? res.job_id : null;
      if (jobId) {
        setStage('demo');
        let failures = 0;
        for (;;) {
          await new Promise((r) => setTimeout(r, 500));
          let job: Job;
          try {
            job = await api.get<Job>(`/jobs/${jobId}`);
            failures = 0;
          } catch (e) {
            // a busy server (503) or a dropped connection: keep following the job for a while
            if (e instanceof ApiError && (e.status === 0 || e.status >= 500) && ++failures < 20) continue;
            throw e;
          }
          setPercent(60 + Math.round(jobPercent(job) * 0.4));
          if (FINISHED.has(job.status)) {
            if (job.status === 'failed') {
              const first = job.errors?.[0];
              setError(new Error(typeof first === 'string' ? first : first?.message ?? 'failed'));
            }
            break;
          }
        }
      }
      setPercent(100); setStage('done'); setBusy(false);
      onDone(app);
    } catch (e) {
      stop();
      setError(e); setBusy(false);
    }
  };

  return { busy, percent, stage, error, run, reset: () => { setPercent(0); setStage(null); setError(null); } };
}
