import { useState } from 'preact/hooks';
import { setToken, type DashboardConfig } from './api.js';
import { t } from './i18n.js';

/** Paste a token; in the embedded mode, or pick one of the development identities the gateway offers. */
export function SignIn({ config, claims }: { config: DashboardConfig; claims: Record<string, unknown> | undefined }) {
  const [pasted, setPasted] = useState('');
  const identities = config.developmentIdentities ?? [];
  const [picked, setPicked] = useState(0);
  if (claims) {
    return (
      <div class="who">
        <span data-testid="signed-in">
          {t('signedInAs')} {String(claims.agency)} · {String(claims.jurisdiction)} · {String(claims.clearance)}
        </span>{' '}
        <button type="button" onClick={() => setToken(undefined)}>
          {t('signOut')}
        </button>
      </div>
    );
  }
  return (
    <form
      class="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        if (pasted.trim()) setToken(pasted.trim().replace(/^Bearer\s+/i, ''));
      }}
    >
      <label>
        {t('token')}
        <input
          name="token"
          type="password"
          autoComplete="off"
          value={pasted}
          onInput={(event) => setPasted((event.currentTarget as HTMLInputElement).value)}
          title={t('tokenHelp')}
        />
      </label>
      <button type="submit">{t('signIn')}</button>
      {identities.length > 0 && (
        <>
          <label>
            {t('devIdentity')}
            <select name="identity" value={String(picked)} onChange={(event) => setPicked(Number((event.currentTarget as HTMLSelectElement).value))}>
              {identities.map((identity, index) => (
                <option key={identity.label} value={String(index)}>
                  {identity.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setToken(identities[picked]?.token)}>
            {t('useIdentity')}
          </button>
        </>
      )}
    </form>
  );
}
