import { render } from 'preact';
import { connect, loadConfig } from './api.js';
import { App } from './app.js';
import { lang } from './i18n.js';
import './styles.css';

document.documentElement.lang = lang.get();
const config = await loadConfig();
connect(config);
render(<App config={config} />, document.getElementById('app')!);
