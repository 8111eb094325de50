import type { Agency } from '@antq/sdk';
import { checkAgencies } from './domain-checks.js';

/** The agency a command acts for: --agency, else the token's, else the police (npm start's first). */
export function actingAgency(given: string | undefined, env: NodeJS.ProcessEnv = process.env): Agency {
  if (given !== undefined) return checkAgencies([given])[0]!;
  const token = env.ANTQ_TOKEN;
  if (token) {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { agency?: unknown };
      if (typeof payload.agency === 'string') return checkAgencies([payload.agency])[0]!;
    } catch {
      // not a JWT: connect() explains that
    }
  }
  return 'police';
}

export const agencyFlags = (agency: Agency) => ({ police: agency === 'police', front: agency === 'front', veterans: agency === 'veterans', youth: agency === 'youth' });
