import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api';
import { App } from './app';
import { DisplayPage } from './display/display-page';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      {/* 客显: the customer display is the same bundle opened with ?view=display */}
      {new URLSearchParams(window.location.search).get('view') === 'display' ? <DisplayPage api={resolveApi()} /> : <App api={resolveApi()} />}
    </StrictMode>,
  );
}
