import { render } from 'preact';
import { connect, loadConfig, token } from './api.js';
import { areaRequests } from './area-data.js';
import { route } from './route.js';
import { App } from './app.js';
import { lang } from './i18n.js';
import './styles.css';

// Marks for the measurement (services/embedded/scripts/measure-dashboard.ts): when the script ran, when its settings were in.
performance.mark('antq:script');
document.documentElement.lang = lang.get();
const config = await loadConfig();
performance.mark('antq:config');
connect(config);
// The Area view's requests leave now, before the first render: no wait for the components to mount.
const first = route.get();
if (token.get() && first.view === 'area' && first.code) areaRequests(first.code);
render(<App config={config} />, document.getElementById('app')!);
