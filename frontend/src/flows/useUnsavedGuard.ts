// Asks before leaving a designer with unsaved changes: in-app navigation and closing the tab.
import { useCallback, useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';

/** Returns `allowNavigation`, to call right before a navigation the page itself starts after saving. */
export function useUnsavedGuard(dirty: boolean, question: string): () => void {
  const allowed = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) =>
    dirty && !allowed.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(question)) blocker.proceed();
    else blocker.reset();
  }, [blocker, question]);
  useEffect(() => {
    allowed.current = false;
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return useCallback(() => { allowed.current = true; }, []);
}
