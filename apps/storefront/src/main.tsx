import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiClient } from './api/client';
import { forgetLegacyStoredSession } from './api/session';
import { AppProvider } from './app/app-context';
import { AppRoutes } from './app/routes';
import { I18nProvider } from './i18n/i18n-context';
import './styles.css';

// Earlier versions kept the refresh token in localStorage; the session now lives in auth's HttpOnly cookie.
forgetLegacyStoredSession();
const client = new ApiClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <I18nProvider>
        <AppProvider client={client}>
          <AppRoutes />
        </AppProvider>
      </I18nProvider>
    </BrowserRouter>
  </StrictMode>,
);
