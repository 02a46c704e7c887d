// Widgets for the simple types: text, number, checkbox, dates, choices, rating, contact fields.
import { AutoComplete, Checkbox, DatePicker, Input, InputNumber, Radio, Rate, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { WidgetProps } from './types';

const placeholder = (p: WidgetProps) => (typeof p.field.ui?.placeholder === 'string' ? p.field.ui.placeholder : undefined);

export function TextWidget(p: WidgetProps) {
  const common = {
    id: p.id, value: (p.value as string) ?? '', disabled: p.disabled, placeholder: placeholder(p),
    maxLength: p.field.max_length, onChange: (e: { target: { value: string } }) => p.onChange(e.target.value),
  };
  if (p.field.type === 'textarea') return <Input.TextArea {...common} autoSize={{ minRows: 3, maxRows: 12 }} />;
  const inputProps: Record<string, string> = {};
  if (p.field.type === 'phone') Object.assign(inputProps, { type: 'tel', inputMode: 'tel', autoComplete: 'tel' });
  if (p.field.type === 'email') Object.assign(inputProps, { type: 'email', inputMode: 'email', autoComplete: 'email' });
  if (p.field.type === 'url') Object.assign(inputProps, { type: 'url', inputMode: 'url' });
  return <Input {...common} {...inputProps} />;
}

export function NumberWidget(p: WidgetProps) {
  const f = p.field;
  const percent = f.format === 'percent';
  const value = typeof p.value === 'number' ? (percent ? Number((p.value * 100).toPrecision(12)) : p.value) : null;
  return (
    <InputNumber
      id={p.id}
      style={{ width: '100%', maxWidth: 280 }}
      value={value}
      disabled={p.disabled}
      min={typeof f.min === 'number' ? (percent ? f.min * 100 : f.min) : undefined}
      max={typeof f.max === 'number' ? (percent ? f.max * 100 : f.max) : undefined}
      precision={typeof f.decimals === 'number' ? Math.max(0, f.decimals - (percent ? 2 : 0)) : undefined}
      prefix={f.format === 'currency' ? '¥' : undefined}
      suffix={percent ? '%' : undefined}
      inputMode="decimal"
      placeholder={placeholder(p)}
      onChange={(v) => p.onChange(v === null || v === undefined ? null : percent ? Number((Number(v) / 100).toPrecision(12)) : Number(v))}
    />
  );
}

export function CheckboxWidget(p: WidgetProps) {
  return <Switch id={p.id} checked={!!p.value} disabled={p.disabled} onChange={(v) => p.onChange(v)} />;
}

export function DateWidget(p: WidgetProps) {
  const v = typeof p.value === 'string' && p.value ? dayjs(p.value) : null;
  return (
    <DatePicker
      id={p.id}
      value={v && v.isValid() ? v : null}
      disabled={p.disabled}
      style={{ width: '100%', maxWidth: 280 }}
      minDate={typeof p.field.min === 'string' ? dayjs(p.field.min) : undefined}
      maxDate={typeof p.field.max === 'string' ? dayjs(p.field.max) : undefined}
      onChange={(d: Dayjs | null) => p.onChange(d ? d.format('YYYY-MM-DD') : null)}
      inputReadOnly
    />
  );
}

export function DateTimeWidget(p: WidgetProps) {
  const v = typeof p.value === 'string' && p.value ? dayjs(p.value) : null;
  return (
    <DatePicker
      id={p.id}
      showTime={{ format: 'HH:mm' }}
      format="YYYY-MM-DD HH:mm"
      value={v && v.isValid() ? v : null}
      disabled={p.disabled}
      style={{ width: '100%', maxWidth: 280 }}
      onChange={(d: Dayjs | null) => p.onChange(d ? d.second(0).millisecond(0).toISOString().replace('.000Z', 'Z') : null)}
      inputReadOnly
    />
  );
}

export function SelectWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const options = (p.field.options ?? []).map((o) => ({ label: o, value: o }));
  if (p.field.ui?.widget === 'radio' && !p.field.allow_other) {
    return <Radio.Group id={p.id} value={p.value ?? undefined} disabled={p.disabled} options={options} onChange={(e) => p.onChange(e.target.value)} />;
  }
  if (p.field.allow_other) {
    return (
      <AutoComplete id={p.id} value={(p.value as string) ?? ''} disabled={p.disabled} options={options} style={{ maxWidth: 360 }}
        placeholder={t('records.chooseOrType')} onChange={(v) => p.onChange(v || null)}
        filterOption={(input, o) => String(o?.value ?? '').toLowerCase().includes(input.toLowerCase())} />
    );
  }
  return (
    <Select id={p.id} value={p.value ?? undefined} disabled={p.disabled} options={options} allowClear showSearch
      style={{ width: '100%', maxWidth: 360 }} placeholder={t('records.choose')} onChange={(v) => p.onChange(v ?? null)} />
  );
}

export function MultiSelectWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const options = (p.field.options ?? []).map((o) => ({ label: o, value: o }));
  const value = Array.isArray(p.value) ? (p.value as string[]) : [];
  if (p.field.ui?.widget === 'checkboxes') {
    return <Checkbox.Group value={value} disabled={p.disabled} options={options} onChange={(v) => p.onChange(v)} />;
  }
  return (
    <Select id={p.id} mode="multiple" value={value} disabled={p.disabled} options={options} allowClear
      maxCount={p.field.max_items} style={{ width: '100%', maxWidth: 480 }} placeholder={t('records.choose')}
      onChange={(v) => p.onChange(v)} />
  );
}

export function RatingWidget(p: WidgetProps) {
  return <Rate id={p.id} count={Number(p.field.max ?? 5)} value={typeof p.value === 'number' ? p.value : 0} disabled={p.disabled}
    onChange={(v) => p.onChange(v || null)} />;
}
