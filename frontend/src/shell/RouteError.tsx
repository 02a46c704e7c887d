// Route error page: after a new deploy, old chunk names vanish; reload once to pick up the new build.
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

const RELOADED = 'formloom.chunk-reload';

function isStaleChunk(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /preload CSS|dynamically imported module|Importing a module script failed|error loading dynamically/i.test(text);
}

export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (isStaleChunk(error) && !sessionStorage.getItem(RELOADED)) {
    sessionStorage.setItem(RELOADED, '1');
    window.location.reload();
    return null;
  }
  sessionStorage.removeItem(RELOADED);
  return (
    <Result status="error" title={t('errors.generic')}
      extra={<Button type="primary" onClick={() => window.location.reload()}>{t('common.retry')}</Button>} />
  );
}
