import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppRoot } from './app';
import { i18nReady } from './i18n';
import './styles.css';

// English texts are a chunk of their own: render once the stored language is loaded.
void i18nReady.then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AppRoot />
    </StrictMode>,
  ),
);
