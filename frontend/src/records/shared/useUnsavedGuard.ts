// Asks before leaving a page with unsaved changes (in-app navigation and closing the tab).
import { useCallback, useEffect, useRef } from 'react';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';

/** Returns release(): call it right before navigating away on purpose (after a save). */
export function useUnsavedGuard(dirty: boolean): () => void {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const dirtyRef = useRef(dirty);
  const released = useRef(false);
  dirtyRef.current = dirty;
  if (dirty) released.current = false;
  const blocker = useBlocker(useCallback(({ currentLocation, nextLocation }) =>
    dirtyRef.current && !released.current && currentLocation.pathname !== nextLocation.pathname, []));

  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    modal.confirm({
      title: t('records.unsavedTitle'),
      content: t('records.unsavedBody'),
      okText: t('records.leave'),
      cancelText: t('records.stay'),
      okButtonProps: { danger: true },
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
  }, [blocker, modal, t]);

  useEffect(() => {
    if (!dirty) return;
    const handler = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', handler);
    return () => window.removeEventListener('beforeunload', handler);
  }, [dirty]);

  return useCallback(() => { released.current = true; }, []);
}
