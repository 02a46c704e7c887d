// Edits a label as {zh, en}: one input per language.
import { Input, Space } from 'antd';
import type { Label } from '../../api/types';

export function toParts(label: Label | undefined): { zh: string; en: string } {
  if (!label) return { zh: '', en: '' };
  if (typeof label === 'string') return { zh: label, en: '' };
  return { zh: label.zh ?? '', en: label.en ?? '' };
}

export function fromParts(p: { zh: string; en: string }): Label | undefined {
  if (!p.zh && !p.en) return undefined;
  const out: { zh?: string; en?: string } = {};
  if (p.zh) out.zh = p.zh;
  if (p.en) out.en = p.en;
  return out;
}

export function LabelInput({ value, onChange, id, testId }: { value: Label | undefined; onChange: (v: Label | undefined) => void; id?: string; testId?: string }) {
  const parts = toParts(value);
  return (
    <Space.Compact direction="vertical" style={{ width: '100%' }}>
      <Input id={id} addonBefore="中" value={parts.zh} data-testid={testId ? `${testId}-zh` : undefined}
        onChange={(e) => onChange(fromParts({ ...parts, zh: e.target.value }))} />
      <Input addonBefore="EN" value={parts.en} data-testid={testId ? `${testId}-en` : undefined}
        onChange={(e) => onChange(fromParts({ ...parts, en: e.target.value }))} />
    </Space.Compact>
  );
}
