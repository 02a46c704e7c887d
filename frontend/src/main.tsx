// SPA entry point.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setupI18n } from './i18n';
import { Root } from './shell/Root';
import './shell/global.css';

setupI18n();

// a successful start ends the one-time reload that follows a new deploy (see RouteError)
window.addEventListener('load', () => setTimeout(() => sessionStorage.removeItem('formloom.chunk-reload'), 10_000));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
