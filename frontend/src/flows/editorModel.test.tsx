// The editor model against the CRM template's journeys: every flow survives loading into the
// canvas model and saving back byte for byte, and opening every step's editor changes nothing.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { FormDefinition, FormInfo } from '../api/types';
import { setupI18n } from '../i18n';
import { stubBrowserApis } from '../inbox/testEnv';
import { fromCanvas, toCanvas } from './graph';
import { FlowContext } from './panel/context';
import { withSetting } from './panel/FlowSettingsEditor';
import { NodeEditor } from './panel/NodeEditor';
import { forEachForm, forEachSources, itemColumns, parseForEach, reportColumns, scopeFields, upstream } from './panel/scope';
import { joinText, splitText, storedText, withLabelText, withVariant } from './panel/texts';
import { TriggerEditor } from './panel/TriggerEditor';
import type { FlowGraph, FlowNode } from './types';

const bundle = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../templates_lib/crm/bundle.json'), 'utf8')) as {
  forms: FormDefinition[]; flows: FlowGraph[];
};
const forms: FormInfo[] = bundle.forms.map((definition, i) => ({ id: `f${i}`, key: definition.key, version: 1, definition }));
const fieldsOf = (key: unknown) => forms.find((f) => f.key === key)?.definition.fields ?? [];

// Opening an editor costs a second of jsdom; one node per shape (type, keys, kinds of values) covers them.
const shapes = new Set<string>();
function firstOfItsShape(node: FlowNode): boolean {
  const kind = (v: unknown) => (Array.isArray(v) ? 'list' : typeof v);
  const shape = `${node.type}:${Object.keys(node).sort().map((k) => `${k}=${kind(node[k])}`).join(',')}`;
  if (shapes.has(shape)) return false;
  shapes.add(shape);
  return true;
}

function stubApi() {
  vi.stubGlobal('fetch', vi.fn(async (url: string) => new Response(String(url).includes('/rules/check')
    ? '{"ok": true, "errors": [], "result_type": "boolean"}' : '{"items": []}')));
}

beforeAll(() => {
  stubBrowserApis();
  setupI18n('en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('CRM journeys in the editor model', () => {
  it('holds every flow of the template', () => {
    expect(bundle.flows.length).toBeGreaterThanOrEqual(12);
  });

  for (const flow of bundle.flows) {
    it(`${flow.key}: loads into the canvas and serialises back unchanged`, () => {
      const { nodes, edges } = toCanvas(flow);
      const back = fromCanvas(flow, nodes, edges);
      expect(JSON.parse(JSON.stringify(back))).toStrictEqual(flow);
    });

    const fields = fieldsOf(flow.trigger.form);
    for (const node of flow.nodes.filter(firstOfItsShape)) {
      it(`${flow.key}: opening the editor of ${node.id} (${node.type}) changes nothing`, () => {
        stubApi();
        const onChange = vi.fn();
        render(
          <QueryClientProvider client={new QueryClient()}>
            <FlowContext.Provider value={{ appId: 'app1', nodes: flow.nodes, edges: flow.edges }}>
              <NodeEditor node={node} fields={fields} forms={forms} onChange={onChange} />
            </FlowContext.Provider>
          </QueryClientProvider>,
        );
        expect(onChange).not.toHaveBeenCalled();
      });
    }

    it(`${flow.key}: opening the trigger's editor changes nothing`, () => {
      stubApi();
      const onChange = vi.fn();
      render(<QueryClientProvider client={new QueryClient()}><TriggerEditor trigger={flow.trigger} forms={forms} onChange={onChange} /></QueryClientProvider>);
      expect(onChange).not.toHaveBeenCalled();
    });
  }
});

describe('per-language texts', () => {
  it('splits one text into the current language and joins it back', () => {
    expect(splitText('Hi', 'en')).toEqual({ en: 'Hi' });
    expect(splitText({ zh: '你好', en: 'Hi' }, 'en')).toEqual({ zh: '你好', en: 'Hi' });
    expect(splitText('', 'zh')).toEqual({});
    expect(joinText({ zh: '你好', en: 'Hi' }, 'zh')).toBe('你好');
    expect(joinText({ zh: '你好' }, 'en')).toBe('你好');
    expect(joinText('Hi', 'zh')).toBe('Hi');
  });

  it('changes one language and drops a language left empty', () => {
    expect(withVariant({ zh: '你好', en: 'Hi' }, 'en', 'Hello')).toEqual({ zh: '你好', en: 'Hello' });
    expect(withVariant({ zh: '你好', en: 'Hi' }, 'en', '')).toEqual({ zh: '你好' });
    expect(storedText({}, '')).toBe('');
    expect(storedText({}, undefined)).toBeUndefined();
  });

  it('edits the current language of a bilingual name from the header', () => {
    expect(withLabelText({ zh: '流失预警', en: 'Churn' }, 'en', 'Churn warning')).toEqual({ zh: '流失预警', en: 'Churn warning' });
    expect(withLabelText('Plain', 'zh', 'Plainer')).toBe('Plainer');
    expect(withLabelText({ en: 'x' }, 'en', '')).toBe('');
  });
});

describe('expression scope and for_each', () => {
  const rfm = bundle.flows.find((f) => f.key === 'rfm_refresh')!;
  const save = rfm.nodes.find((n) => n.id === 'save')!;
  const source = rfm.nodes.find((n) => n.id === 'rfm')!;

  it('offers earlier steps only, following the edges backwards', () => {
    const churn = bundle.flows.find((f) => f.key === 'churn_warning')!;
    expect(upstream('sms', churn.edges).sort()).toEqual(['coupon', 'flag', 'returned', 'split', 'task', 'wait'].sort());
    const keys = scopeFields(fieldsOf('customer'), churn.nodes, churn.edges, 'sms').map((f) => f.key);
    expect(keys).toContain('steps.coupon.data');
    expect(keys).toContain('record.phone');
    expect(keys).not.toContain('steps.h_touch.data');
  });

  it('finds the rows an update_record may walk, their columns and the form they update', () => {
    expect(forEachSources('save', rfm.nodes, rfm.edges).map((s) => s.value)).toEqual(['steps.rfm.rows']);
    expect(parseForEach(save.for_each)).toEqual({ step: 'rfm', key: 'rows' });
    expect(itemColumns(source, forms)).toEqual(['customer', 'recency', 'frequency', 'monetary', 'r', 'f', 'm', 'segment']);
    expect(forEachForm(save, source, forms)).toBe('customer');
    expect(forEachForm({ ...save, ui: { form: 'order' } }, source, forms)).toBe('order');
    const query: FlowNode = { id: 'q', type: 'query_records', form: 'order' };
    expect(itemColumns(query, forms)[0]).toBe('id');
    expect(forEachForm({ id: 'u', type: 'update_record', set: {} }, query, forms)).toBe('order');
  });

  it('names report columns as the report engine does', () => {
    expect(reportColumns({ source: 'order', dimensions: [{ field: 'channel' }, { field: 'ordered_at', as: 'month' }],
      measures: [{ agg: 'sum', field: 'amount' }, { agg: 'count' }, { agg: 'avg', field: 'amount', as: 'avg_amount' }] }))
      .toEqual(['channel', 'month', 'sum_amount', 'count', 'avg_amount']);
    expect(reportColumns({ source: 'order', kind: 'cohort' })).toEqual([]);
  });
});

describe('flow settings', () => {
  it('adds and removes settings, dropping an empty settings object', () => {
    const base = bundle.flows.find((f) => f.key === 'tier_upgrade')!;
    const capped = withSetting(base, 'frequency_cap', { max: 1, per: '1d' });
    expect(capped.settings).toEqual({ frequency_cap: { max: 1, per: '1d' } });
    expect(withSetting(capped, 'frequency_cap', undefined)).toStrictEqual(base);
  });
});
