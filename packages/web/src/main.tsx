import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { AppProvider } from './context.js';
import './styles.css';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <AppProvider>
      <App />
    </AppProvider>,
  );
