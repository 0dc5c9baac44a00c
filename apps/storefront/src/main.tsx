import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiClient } from './api/client';
import { browserSessionStorage } from './api/session';
import { AppProvider } from './app/app-context';
import { AppRoutes } from './app/routes';
import './styles.css';

const client = new ApiClient({ storage: browserSessionStorage() });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <AppProvider client={client}>
        <AppRoutes />
      </AppProvider>
    </BrowserRouter>
  </StrictMode>,
);
