// One ECharts instance in a div that follows its size; ECharts itself is imported on first use.
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { ClickParams } from './chartOptions';

type Instance = {
  setOption: (o: unknown, notMerge?: boolean) => void; resize: () => void; dispose: () => void;
  on: (event: string, cb: (p: ClickParams) => void) => void; getDataURL: (o: unknown) => string;
};

export interface EChartHandle { toPng: () => string | null }

export const EChart = forwardRef<EChartHandle, { option: Record<string, unknown>; onClick?: (p: ClickParams) => void }>(
  function EChart({ option, onClick }, ref) {
    const el = useRef<HTMLDivElement>(null);
    const chart = useRef<Instance | null>(null);
    const click = useRef(onClick);
    click.current = onClick;
    const latest = useRef(option);
    latest.current = option;

    useImperativeHandle(ref, () => ({
      toPng: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }) ?? null,
    }));

    useEffect(() => {
      let disposed = false;
      let observer: ResizeObserver | null = null;
      void import('./echartsSetup').then(({ echarts }) => {
        if (disposed || !el.current) return;
        const inst = echarts.init(el.current) as unknown as Instance;
        chart.current = inst;
        inst.setOption(latest.current, true);
        inst.on('click', (p) => click.current?.(p));
        observer = new ResizeObserver(() => inst.resize());
        observer.observe(el.current);
      });
      return () => {
        disposed = true;
        observer?.disconnect();
        chart.current?.dispose();
        chart.current = null;
      };
    }, []);

    useEffect(() => {
      chart.current?.setOption(option, true);
    }, [option]);

    return <div ref={el} style={{ width: '100%', height: '100%', minHeight: 120 }} data-testid="echart" />;
  },
);
