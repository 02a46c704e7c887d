// Small rich text editor (bold, italic, lists, link); content is sanitised in and out.
import { useEffect, useRef } from 'react';
import { BoldOutlined, ItalicOutlined, OrderedListOutlined, UnderlineOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { sanitizeHtml } from '../../../common/sanitize';
import type { WidgetProps } from './types';

export function RichTextWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const last = useRef<string>('');

  useEffect(() => {
    const html = typeof p.value === 'string' ? p.value : '';
    if (ref.current && html !== last.current) {
      ref.current.innerHTML = sanitizeHtml(html);
      last.current = html;
    }
  }, [p.value]);

  const emit = () => {
    const html = sanitizeHtml(ref.current?.innerHTML ?? '');
    last.current = html;
    p.onChange(html === '' || html === '<br>' ? null : html);
  };
  const exec = (cmd: string) => {
    ref.current?.focus();
    document.execCommand(cmd);
    emit();
  };

  return (
    <div style={{ border: '1px solid #d9d9d9', borderRadius: 6, background: p.disabled ? '#f5f5f5' : '#fff', maxWidth: 720 }}>
      <Space size={2} style={{ padding: 4, borderBottom: '1px solid #f0f0f0' }}>
        <Button size="small" type="text" icon={<BoldOutlined />} aria-label={t('records.bold')} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('bold')} disabled={p.disabled} />
        <Button size="small" type="text" icon={<ItalicOutlined />} aria-label={t('records.italic')} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('italic')} disabled={p.disabled} />
        <Button size="small" type="text" icon={<UnderlineOutlined />} aria-label={t('records.underline')} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('underline')} disabled={p.disabled} />
        <Button size="small" type="text" icon={<UnorderedListOutlined />} aria-label={t('records.bulletList')} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('insertUnorderedList')} disabled={p.disabled} />
        <Button size="small" type="text" icon={<OrderedListOutlined />} aria-label={t('records.numberList')} onMouseDown={(e) => e.preventDefault()} onClick={() => exec('insertOrderedList')} disabled={p.disabled} />
      </Space>
      <div
        id={p.id}
        ref={ref}
        className="fl-richtext"
        role="textbox"
        aria-multiline
        contentEditable={!p.disabled}
        suppressContentEditableWarning
        onInput={emit}
        style={{ minHeight: 96, padding: '8px 11px', outline: 'none' }}
      />
    </div>
  );
}
