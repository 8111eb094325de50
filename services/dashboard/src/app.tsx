import type { DashboardConfig } from './api.js';
import { claimsOf, token } from './api.js';
import { lang, setLang, t, type Word } from './i18n.js';
import { hrefOf, route, type View } from './route.js';
import { useSignal } from './store.js';
import { SignIn } from './sign-in.js';
import { AreaView } from './views/area-view.js';
import { ProvinceView } from './views/province-view.js';
import { TrendsView } from './views/trends-view.js';
import { ChangesView } from './views/changes-view.js';

const TABS: readonly { view: View; word: Word }[] = [
  { view: 'area', word: 'viewArea' },
  { view: 'trends', word: 'viewTrends' },
  { view: 'province', word: 'viewProvince' },
  { view: 'changes', word: 'viewChanges' },
];

export function App({ config }: { config: DashboardConfig }) {
  useSignal(lang);
  const current = useSignal(route);
  const signedIn = useSignal(token);
  const claims = claimsOf(signedIn);
  return (
    <>
      <header class="top">
        <h1>{t('title')}</h1>
        <nav aria-label={t('views')}>
          {TABS.map(({ view, word }) => (
            <a key={view} href={hrefOf(view, current.code)} aria-current={current.view === view ? 'page' : undefined} data-view={view}>
              {t(word)}
            </a>
          ))}
        </nav>
        <label class="lang">
          {t('language')}{' '}
          <select value={lang.get()} onChange={(event) => setLang((event.currentTarget as HTMLSelectElement).value as 'vi' | 'en')} data-testid="lang">
            <option value="vi">Tiếng Việt</option>
            <option value="en">English</option>
          </select>
        </label>
        <SignIn config={config} claims={claims} />
      </header>
      <main>
        {!signedIn ? (
          <p class="notice">{t('needSignIn')}</p>
        ) : current.view === 'area' ? (
          <AreaView code={current.code} />
        ) : current.view === 'trends' ? (
          <TrendsView code={current.code} />
        ) : current.view === 'province' ? (
          <ProvinceView code={current.code} />
        ) : (
          <ChangesView code={current.code} />
        )}
      </main>
    </>
  );
}
