import type { Agency, Label, Organisation } from '../domain/types.js';
import { createCatalogueLookup } from './catalogue-lookup.js';

/** Cơ quan — an agency with its labels and the organisation that stands for the agency itself. */
export interface AgencyInfo {
  readonly code: Agency;
  readonly label: Label;
  /** Name of the agency's subgraph (one subgraph per agency). */
  readonly subgraph: Agency;
  /** The organisation a record of this agency gets when none is named. */
  readonly organisation: Organisation;
  /** How its GraphQL types and fields are named: `Police` gives `PoliceModel`, `policeModels`, `Area.police`. */
  readonly typePrefix: string;
  /** The port its subgraph listens on by default (4000 is the gateway's, 4005 the change stream's). */
  readonly defaultPort: number;
}

/** Tổ chức — an organisation with its labels and the agency whose subgraph carries its records. */
export interface OrganisationInfo {
  readonly code: Organisation;
  readonly label: Label;
  /** The agency whose subgraph stores this organisation's records. */
  readonly carriedBy: Agency;
}

/**
 * The agencies of ANTQ Graph, one subgraph each — the one list every other list of agencies is
 * derived from (GraphQL enums and type names, policies, compose inputs, stream upstreams, tokens,
 * ports). Keyed by `Agency`, so the compiler refuses a missing or unknown agency.
 * `npm run new-agency -- <name>` adds one.
 */
const AGENCY_DETAILS: { readonly [A in Agency]: Omit<AgencyInfo, 'code' | 'subgraph'> } = {
  police: {
    label: { vi: 'Công an nhân dân', en: "People's Public Security (police)" },
    organisation: 'police',
    typePrefix: 'Police',
    defaultPort: 4001,
  },
  front: {
    label: { vi: 'Mặt trận Tổ quốc Việt Nam', en: 'Vietnam Fatherland Front' },
    organisation: 'fatherland_front',
    typePrefix: 'Front',
    defaultPort: 4002,
  },
  veterans: {
    label: { vi: 'Hội Cựu chiến binh Việt Nam', en: "Vietnam Veterans' Association" },
    organisation: 'veterans_association',
    typePrefix: 'Veterans',
    defaultPort: 4003,
  },
  youth: {
    label: { vi: 'Đoàn Thanh niên Cộng sản Hồ Chí Minh', en: 'Ho Chi Minh Communist Youth Union' },
    organisation: 'youth_union',
    typePrefix: 'Youth',
    defaultPort: 4004,
  },
};

/** The agencies of ANTQ Graph in catalogue order, one subgraph each. */
export const AGENCIES: readonly AgencyInfo[] = (Object.keys(AGENCY_DETAILS) as Agency[]).map((code) => ({ code, subgraph: code, ...AGENCY_DETAILS[code] }));

/** The agencies' codes in catalogue order. */
export const AGENCY_CODES: readonly Agency[] = AGENCIES.map((agency) => agency.code);

/**
 * The organisations that run records. The Front's subgraph carries the Front committee and its
 * member organisations; the Veterans' Association and the Youth Union have their own subgraphs.
 */
export const ORGANISATIONS = [
  { code: 'police', label: { vi: 'Công an', en: 'Police' }, carriedBy: 'police' },
  {
    code: 'fatherland_front',
    label: { vi: 'Ủy ban Mặt trận Tổ quốc', en: 'Fatherland Front committee' },
    carriedBy: 'front',
  },
  { code: 'womens_union', label: { vi: 'Hội Liên hiệp Phụ nữ', en: "Women's Union" }, carriedBy: 'front' },
  { code: 'farmers_union', label: { vi: 'Hội Nông dân', en: "Farmers' Union" }, carriedBy: 'front' },
  { code: 'trade_union', label: { vi: 'Công đoàn', en: 'Trade union' }, carriedBy: 'front' },
  {
    code: 'elderly_association',
    label: { vi: 'Hội Người cao tuổi', en: 'Elderly Association' },
    carriedBy: 'front',
  },
  {
    code: 'veterans_association',
    label: { vi: 'Hội Cựu chiến binh', en: "Veterans' Association" },
    carriedBy: 'veterans',
  },
  { code: 'youth_union', label: { vi: 'Đoàn Thanh niên', en: 'Youth Union' }, carriedBy: 'youth' },
] as const satisfies readonly OrganisationInfo[];

const agencies = createCatalogueLookup<AgencyInfo, Agency>('agency', AGENCIES);
const organisations = createCatalogueLookup<OrganisationInfo, Organisation>('organisation', ORGANISATIONS);

/** The agency with this code, or undefined. */
export function getAgency(code: string): AgencyInfo | undefined {
  return agencies.get(code);
}
/** The agency with this code; throws `AntqError` BAD_USER_INPUT naming close codes. */
export function requireAgency(code: string): AgencyInfo {
  return agencies.require(code);
}
/** Whether a value is an agency code. */
export function isAgencyCode(value: unknown): value is Agency {
  return agencies.is(value);
}

/** The organisation with this code, or undefined. */
export function getOrganisation(code: string): OrganisationInfo | undefined {
  return organisations.get(code);
}
/** The organisation with this code; throws `AntqError` BAD_USER_INPUT naming close codes. */
export function requireOrganisation(code: string): OrganisationInfo {
  return organisations.require(code);
}
/** Whether a value is an organisation code. */
export function isOrganisationCode(value: unknown): value is Organisation {
  return organisations.is(value);
}

/** Whether the agency's subgraph carries records of the organisation (the Front carries its members). */
export function agencyCarriesOrganisation(agency: Agency, organisation: Organisation): boolean {
  return organisations.get(organisation)?.carriedBy === agency;
}

/** The organisations whose records the agency's subgraph carries, in catalogue order. */
export function getAgencyOrganisations(agency: Agency): readonly Organisation[] {
  return ORGANISATIONS.filter((o) => o.carriedBy === agency).map((o) => o.code);
}
