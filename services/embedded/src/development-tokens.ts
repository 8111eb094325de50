import { NATIONAL_JURISDICTION } from '@antq/sdk';
import type { CallerTokenClaims } from '@antq/gateway';

/** The tokens `npm start` prints: per agency, an editor over Tây Ninh (80) and a national analyst ("VN"). */
export const DEVELOPMENT_TOKENS: readonly { label: string; claims: CallerTokenClaims }[] = (
  [
    ['police', 'police', 'Police'],
    ['front', 'fatherland_front', 'Fatherland Front'],
    ['veterans', 'veterans_association', "Veterans' Association"],
    ['youth', 'youth_union', 'Youth Union'],
  ] as const
).flatMap(([agency, organisation, name]) => [
  { label: `${name} editor, jurisdiction 80 (Tây Ninh)`, claims: { agency, organisation, jurisdiction: '80', roles: ['editor'], clearance: 'restricted' } },
  { label: `${name} analyst, national`, claims: { agency, organisation, jurisdiction: NATIONAL_JURISDICTION, roles: ['analyst'], clearance: 'shared' } },
]);
