import { NATIONAL_JURISDICTION } from '@antq/sdk';
import type { CallerTokenClaims } from '@antq/gateway/development-issuer';

/**
 * The tokens `npm start` prints, per agency: an editor over Tây Ninh (80, writes), an admin over
 * Tây Ninh (grants access to its restricted data) and a national analyst ("VN", reads shared figures).
 */
export const DEVELOPMENT_TOKENS: readonly { label: string; claims: CallerTokenClaims }[] = (
  [
    ['police', 'police', 'Police'],
    ['front', 'fatherland_front', 'Fatherland Front'],
    ['veterans', 'veterans_association', "Veterans' Association"],
    ['youth', 'youth_union', 'Youth Union'],
  ] as const
).flatMap(([agency, organisation, name]) => [
  { label: `${name} editor, jurisdiction 80 (Tây Ninh), clearance restricted`, claims: { agency, organisation, jurisdiction: '80', roles: ['editor'], clearance: 'restricted' } },
  { label: `${name} admin, jurisdiction 80 (Tây Ninh), clearance restricted`, claims: { agency, organisation, jurisdiction: '80', roles: ['admin'], clearance: 'restricted' } },
  { label: `${name} analyst, national, clearance shared`, claims: { agency, organisation, jurisdiction: NATIONAL_JURISDICTION, roles: ['analyst'], clearance: 'shared' } },
]);

/** GraphiQL's Headers pane opens with this caller's token: a police editor, clearance restricted. */
export const GRAPHIQL_CALLER: CallerTokenClaims = DEVELOPMENT_TOKENS[0]!.claims;
