import './zodConfig';
import './styles/theme.css';
import './styles/app.css';
import './styles/inspector.css';
import './styles/library.css';
import './styles/models.css';
import './styles/evaluation.css';
import './styles/training.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from './i18n';
import { needsToken } from './api';
import { TokenPage } from './components/common/TokenPage';
import { App } from './App';

initI18n();

createRoot(document.getElementById('root')!).render(<StrictMode>{needsToken ? <TokenPage reason="missing" /> : <App />}</StrictMode>);
