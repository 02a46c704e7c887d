// Rule editor: field and function completion, function help, live error squiggles (local parse and
// POST /rules/check), and a "try it" preview evaluated by the TypeScript engine.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Collapse, Input, Space, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { FieldDef, RuleCheckResult } from '../../api/types';
import { labelText } from '../../common/label';
import { schemaOf } from '../../forms/model';
import { evaluate, FUNCTIONS } from '../../rules';
import { FUNCTION_DOCS } from '../../rules/functions/docs';
import { callAt, localCheck, suggestions, wordAt, type Suggestion } from './ruleTools';
import './ruleEditor.css';

interface Props {
  value: string | undefined;
  onChange: (v: string) => void;
  /** Fields the expression may read (the draft's, plus subform columns for row formulas). */
  fields: FieldDef[];
  formId?: string;
  /** Keys that exist only in the draft (unsaved): the server does not know them yet. */
  draftOnly?: Set<string>;
  placeholder?: string;
  id?: string;
  testId?: string;
  /** Names the expression may start with besides the fields (flows: record, steps, vars...), or
   * '*' when any name may be valid (the server checks them). */
  roots?: string[] | '*';
  /** The "try it" preview (off where the data an expression reads cannot be typed in). */
  preview?: boolean;
}

const FUNCTION_NAMES = Object.keys(FUNCTIONS).sort();

export function RuleEditor({ value = '', onChange, fields, formId, draftOnly, placeholder, id, testId, roots, preview: showPreview = true }: Props) {
  const { t, i18n } = useTranslation();
  const ref = useRef<TextAreaRef>(null);
  const [caret, setCaret] = useState(0);
  const [focused, setFocused] = useState(false);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [server, setServer] = useState<RuleCheckResult | null>(null);
  const [sample, setSample] = useState<Record<string, string>>({});
  const known = useMemo(() => new Set(fields.map((f) => f.key)), [fields]);
  const local = useMemo(() => localCheck(value, known, roots), [value, known, roots]);
  const labelOf = (f: FieldDef) => labelText(f.label, i18n.language, f.key);

  useEffect(() => {
    setServer(null);
    if (!formId || !value.trim() || local.error) return;
    const handle = setTimeout(() => {
      api.post<RuleCheckResult>('/rules/check', { expression: value, form_id: formId }).then(setServer, () => setServer(null));
    }, 400);
    return () => clearTimeout(handle);
  }, [value, formId, local.error]);

  const serverError = server && !server.ok
    ? server.errors.find((e) => !(draftOnly && [...draftOnly].some((k) => e.message.includes(k)))) ?? null
    : null;
  const error = local.error
    ? { message: local.error.localized(i18n.language), offset: local.error.offset, length: local.error.length, line: local.error.line, column: local.error.column }
    : serverError ? { message: serverError.message, offset: serverError.offset, length: 1, line: serverError.line, column: serverError.column } : null;

  const { word, start } = wordAt(value, caret);
  const items = focused && !dismissed ? suggestions(word, fields, FUNCTION_NAMES, i18n.language, labelOf) : [];
  const call = callAt(value, caret);
  const help = call ? FUNCTION_DOCS[call.name] : null;

  const accept = (s: Suggestion) => {
    const next = value.slice(0, start) + s.insert + value.slice(caret);
    onChange(next);
    const pos = start + s.insert.length;
    requestAnimationFrame(() => {
      const el = ref.current?.resizableTextArea?.textArea;
      el?.focus();
      el?.setSelectionRange(pos, pos);
      setCaret(pos);
    });
  };

  const sync = (e: { currentTarget: HTMLTextAreaElement }) => setCaret(e.currentTarget.selectionStart ?? 0);
  const errEnd = error ? Math.min(value.length, error.offset + Math.max(1, error.length)) : 0;
  const preview = useMemo(() => {
    if (!value.trim() || local.error) return null;
    const data: Record<string, unknown> = {};
    for (const k of local.references) {
      const raw = sample[k];
      if (raw === undefined || raw === '') continue;
      data[k] = raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    }
    return evaluate(value, data, { schema: schemaOf(fields) });
  }, [value, local, sample, fields]);

  return (
    <div>
      <div className="fl-rule-editor">
        <Input.TextArea
          id={id}
          ref={ref}
          className="fl-mono"
          value={value}
          placeholder={placeholder}
          autoSize={{ minRows: 1, maxRows: 8 }}
          status={error ? 'error' : undefined}
          spellCheck={false}
          data-testid={testId}
          aria-invalid={!!error}
          onChange={(e) => { onChange(e.target.value); setDismissed(false); sync(e); setActive(0); }}
          onSelect={sync}
          onClick={sync}
          onFocus={() => setFocused(true)}
          onBlur={() => setTimeout(() => setFocused(false), 150)}
          onKeyDown={(e) => {
            if (!items.length) return;
            if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => (a + 1) % items.length); }
            else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => (a - 1 + items.length) % items.length); }
            else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); accept(items[Math.min(active, items.length - 1)]); }
            else if (e.key === 'Escape') setDismissed(true);
          }}
        />
        {error && (
          <div className="fl-rule-overlay fl-mono" aria-hidden>
            {value.slice(0, error.offset)}<mark>{value.slice(error.offset, errEnd) || ' '}</mark>{value.slice(errEnd)}
          </div>
        )}
        {items.length > 0 && (
          <div className="fl-rule-suggest" role="listbox">
            {items.map((s, i) => (
              <button key={`${s.kind}:${s.label}`} type="button" role="option" aria-selected={i === active}
                onMouseDown={(e) => { e.preventDefault(); accept(s); }}>
                <span className="fl-mono">{s.label}</span><Typography.Text type="secondary">{s.detail}</Typography.Text>
              </button>
            ))}
          </div>
        )}
      </div>
      {error && (
        <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="rule-error">
          {error.message} ({t('designer.lineColumn', { line: error.line, column: error.column })})
        </Typography.Text>
      )}
      {help && (
        <div style={{ fontSize: 12, marginTop: 4, background: '#f6f8fa', padding: '4px 8px', borderRadius: 4 }}>
          <div className="fl-mono">{help.signature}</div>
          <div>{i18n.language === 'zh-CN' ? help.zh : help.en}</div>
          {(help.example_zh || help.example_en) && <Typography.Text type="secondary" className="fl-mono">{i18n.language === 'zh-CN' ? help.example_zh ?? help.example_en : help.example_en}</Typography.Text>}
        </div>
      )}
      {showPreview && value.trim() && !local.error && (
        <Collapse size="small" ghost style={{ marginTop: 4 }} items={[{
          key: 'try', label: t('designer.tryIt'),
          children: (
            <Space direction="vertical" style={{ width: '100%' }}>
              {local.references.filter((k) => known.has(k)).map((k) => (
                <Input key={k} size="small" addonBefore={<span className="fl-mono">{k}</span>} value={sample[k] ?? ''}
                  onChange={(e) => setSample((s) => ({ ...s, [k]: e.target.value }))} />
              ))}
              <div data-testid="rule-preview">
                {t('designer.result')}: <code className="fl-mono">{preview ? (preview.ok ? JSON.stringify(preview.value) : preview.error.localized(i18n.language)) : '—'}</code>
                {server?.result_type && <Typography.Text type="secondary"> · {t('designer.resultType')}: {server.result_type}</Typography.Text>}
              </div>
            </Space>
          ),
        }]} />
      )}
    </div>
  );
}
