// Choice options: one per line, so a list can be pasted from a spreadsheet.
import { useEffect, useState } from 'react';
import { Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export function parseOptions(text: string): string[] {
  const seen = new Set<string>();
  return text.split(/\r?\n|\t/).map((s) => s.trim()).filter((s) => s && !seen.has(s) && seen.add(s));
}

export function OptionsEditor({ value, onChange }: { value: string[] | undefined; onChange: (v: string[]) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState((value ?? []).join('\n'));
  useEffect(() => {
    if (parseOptions(text).join('\n') !== (value ?? []).join('\n')) setText((value ?? []).join('\n'));
    // the draft text is replaced only when the options changed elsewhere (undo, redo)
  }, [value]);
  return (
    <>
      <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} value={text} data-testid="options-editor"
        onChange={(e) => { setText(e.target.value); onChange(parseOptions(e.target.value)); }} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.optionsHelp', { count: (value ?? []).length })}</Typography.Text>
    </>
  );
}
