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
if (token.get() && first.view === 'area' && first.code) {
  areaRequests(first.code);
  // The client sends after a microtask (it awaits the token): let the requests leave before the first render takes the thread.
  await new Promise((resolve) => setTimeout(resolve, 0));
}
render(<App config={config} />, document.getElementById('app')!);
