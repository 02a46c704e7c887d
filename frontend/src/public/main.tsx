// Public page entry (/f/<token> fill-in, /q/<token> look-up): light, no component library.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n/language';
import { setupPublicI18n, switchLanguage } from './i18n';
import { PublicForm } from './PublicForm';
import { PublicQuery } from './PublicQuery';
import './public.css';

setupPublicI18n();

function Page() {
  const { t, i18n } = useTranslation();
  const [, rerender] = useState(0);
  const [, kind, token = ''] = window.location.pathname.split('/');
  const lang = (i18n.language === 'zh-CN' ? 'zh-CN' : 'en') as Language;
  return (
    <main className="pf-page">
      <nav className="pf-lang" aria-label={t('language')}>
        {(['zh-CN', 'en'] as Language[]).map((l) => (
          <button key={l} type="button" aria-pressed={lang === l} onClick={() => { switchLanguage(l); rerender((n) => n + 1); }}>{l === 'zh-CN' ? '中文' : 'EN'}</button>
        ))}
      </nav>
      {kind === 'q' ? <PublicQuery token={decodeURIComponent(token)} /> : <PublicForm token={decodeURIComponent(token)} />}
      <footer className="pf-footer">{t('poweredBy')}</footer>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Page /></StrictMode>);
