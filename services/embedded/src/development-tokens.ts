import { AGENCIES, NATIONAL_JURISDICTION, getOrganisation } from '@antq/sdk';
import type { CallerTokenClaims } from '@antq/gateway/development-issuer';

/**
 * The tokens `npm start` prints, per agency: an editor over Tây Ninh (80, writes), an admin over
 * Tây Ninh (grants access to its restricted data) and a national analyst ("VN", reads shared figures).
 */
export const DEVELOPMENT_TOKENS: readonly { label: string; claims: CallerTokenClaims }[] = AGENCIES.map(({ code: agency, organisation }) => ({
  agency,
  organisation,
  name: getOrganisation(organisation)?.label.en ?? agency,
})).flatMap(({ agency, organisation, name }) => [
  { label: `${name} editor, jurisdiction 80 (Tây Ninh), clearance restricted`, claims: { agency, organisation, jurisdiction: '80', roles: ['editor'], clearance: 'restricted' } },
  { label: `${name} admin, jurisdiction 80 (Tây Ninh), clearance restricted`, claims: { agency, organisation, jurisdiction: '80', roles: ['admin'], clearance: 'restricted' } },
  { label: `${name} analyst, national, clearance shared`, claims: { agency, organisation, jurisdiction: NATIONAL_JURISDICTION, roles: ['analyst'], clearance: 'shared' } },
]);

/** GraphiQL's Headers pane opens with this caller's token: a police editor, clearance restricted. */
export const GRAPHIQL_CALLER: CallerTokenClaims = DEVELOPMENT_TOKENS[0]!.claims;
