import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppRoot, primeSession } from './app';
import { i18nReady } from './i18n';
import './styles.css';

// English texts are a chunk of their own: render once the stored language is loaded, and once the
// session is known (app.tsx primeSession: the first render is then the page, not a spinner).
void Promise.all([i18nReady, primeSession()]).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AppRoot />
    </StrictMode>,
  ),
);
