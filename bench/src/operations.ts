/**
 * Các thao tác tham chiếu — the benchmark's reference operations, fixed and written down.
 * Every target gets the same documents, variables and caller token; their answers are compared
 * before any load is run.
 */
import { INDICATORS } from '@antq/sdk';
import { BENCH_PROVINCE, BENCH_YEAR, modelId } from './dataset.js';

export interface ReferenceOperation {
  readonly key: 'overview' | 'rollup' | 'nested' | 'lookup';
  readonly title: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/** (1) An analyst's cross-agency overview of 50 communes: fields from all four subgraphs. */
const OVERVIEW = /* GraphQL */ `
  query CommuneOverview($province: ID!) {
    areas(search: "2", level: COMMUNE, provinceCode: $province, first: 50) {
      code
      name
      police {
        models(first: 3) {
          totalCount
          nodes {
            id
            name
            status
          }
        }
        forces(first: 2) {
          totalCount
          nodes {
            id
            name
            units
          }
        }
      }
      front {
        models(first: 2) {
          totalCount
          nodes {
            id
            name
            status
          }
        }
        forces(first: 1) {
          totalCount
        }
      }
      veterans {
        models(first: 1) {
          totalCount
          nodes {
            id
            name
          }
        }
        forces(first: 1) {
          totalCount
        }
      }
      youth {
        models(first: 1) {
          totalCount
          nodes {
            id
            name
          }
        }
        forces(first: 1) {
          totalCount
        }
      }
    }
  }
`;

/**
 * The indicators the roll-up asks for, per agency. Flows (events: summed over the months) are
 * asked for the year; stocks (the value at a period's end, which the SDK refuses to sum over
 * months) for the year's last month. The veterans and the youth report stocks only.
 */
export const ROLLUP_INDICATORS = {
  police: ['criminal_offences', 'motorbike_thefts', 'rewards_vnd', 'cameras_installed'],
  front: ['health_insurance_cards_given', 'self_management_boards'],
  veterans: ['offenders_reintegrating_supported'],
  youth: ['youth_club_members'],
} as const;

/** The agencies whose figures the roll-up operation reads (an agency added later has none in the bench's data). */
export const ROLLED_UP_AGENCIES = Object.keys(ROLLUP_INDICATORS) as (keyof typeof ROLLUP_INDICATORS)[];

/** Whether the roll-up asks for an indicator over the year (a flow) or its last month (a stock). */
export function rollUpPeriodOf(code: string): 'year' | 'month' {
  return INDICATORS.find((indicator) => indicator.code === code)!.summableOverPeriods ? 'year' : 'month';
}

for (const [agency, codes] of Object.entries(ROLLUP_INDICATORS)) {
  for (const code of codes) {
    const indicator = INDICATORS.find((candidate) => candidate.code === code);
    if (indicator?.reportedBy !== agency) throw new Error(`Reference roll-up: ${code} is not an indicator the ${agency} report.`);
  }
}

function metricSelections(agency: keyof typeof ROLLUP_INDICATORS): string {
  return ROLLUP_INDICATORS[agency]
    .map(
      (code) =>
        `${code}: metric(indicator: "${code}", period: ${rollUpPeriodOf(code) === 'year' ? '$period' : '$lastMonth'}) { value comparison { previous change direction } partial { value } }`,
    )
    .join('\n        ');
}

/** A roll-up's selections of every agency under an area (as in the province roll-up). */
const AGENCY_METRICS = `
      police {
        ${metricSelections('police')}
      }
      front {
        ${metricSelections('front')}
      }
      veterans {
        ${metricSelections('veterans')}
      }
      youth {
        ${metricSelections('youth')}
      }`;

/** (2) A province's year of metrics rolled up over all its communes, across the 2025 lineage. */
const ROLLUP = /* GraphQL */ `
  query ProvinceYear($province: ID!, $period: String!, $lastMonth: String!) {
    area(code: $province) {
      code
      name${AGENCY_METRICS}
    }
  }
`;

/**
 * The national roll-up (goal 4 of issue 16): every province of the current register with its
 * year rolled up across the 2025 lineage — the province roll-up once per province, all sent at
 * once. (One request with an alias per province would pass our gateway's limits: 30 aliases,
 * 4,000 tokens; the graph has no national area — the country's figures are its provinces'.)
 */
export function nationalRollUpOperations(provinces: readonly string[]): ReferenceOperation[] {
  return provinces.map((province) => ({ ...provinceRollUp(province), title: `the whole country, year ${BENCH_YEAR} roll-up` }));
}

function provinceRollUp(province: string): ReferenceOperation {
  return {
    key: 'rollup',
    title: `(2) province ${province}, year ${BENCH_YEAR} roll-up`,
    query: ROLLUP,
    variables: { province, period: BENCH_YEAR, lastMonth: `${BENCH_YEAR}-12` },
  };
}

const LINKED_FIELDS = /* GraphQL */ `
  ... on PoliceModel { id name status area { code name front { forces(first: 1) { totalCount } } } }
  ... on PoliceForce { id name units area { code name } }
  ... on FrontModel { id name status area { code name veterans { models(first: 1) { totalCount } } } }
  ... on FrontForce { id name units area { code name } }
  ... on VeteransModel { id name status area { code name youth { forces(first: 1) { totalCount } } } }
  ... on VeteransForce { id name units area { code name } }
  ... on YouthModel { id name status area { code name police { forces(first: 1) { totalCount } } } }
  ... on YouthForce { id name units area { code name } }
`;

/** (3) Entity-heavy: models → the linked records of other agencies → their areas and those areas' views. */
const NESTED = /* GraphQL */ `
  query LinkedRecords($province: ID!) {
    policeModels(filter: { area: $province }, first: 20) {
      totalCount
      nodes {
        id
        name
        kind { code }
        area { code name }
        linkedRecords {
          __typename
          ${LINKED_FIELDS}
        }
      }
    }
  }
`;

/** (4) A single-record lookup. */
const LOOKUP = /* GraphQL */ `
  query OneModel($id: ID!) {
    policeModel(id: $id) {
      id
      name
      status
      description
      kind {
        code
      }
      area {
        code
        name
      }
    }
  }
`;

/** The operations for a dataset whose first current commune of the province is `firstCommune`. */
export function referenceOperations(firstCommune: string): ReferenceOperation[] {
  return [
    { key: 'overview', title: '(1) cross-agency overview, 50 communes', query: OVERVIEW, variables: { province: BENCH_PROVINCE } },
    provinceRollUp(BENCH_PROVINCE),
    { key: 'nested', title: '(3) models → linked records → areas', query: NESTED, variables: { province: BENCH_PROVINCE } },
    { key: 'lookup', title: '(4) single-record lookup', query: LOOKUP, variables: { id: modelId('police', firstCommune, 0) } },
  ];
}

export function requestBody(operation: ReferenceOperation): string {
  return JSON.stringify({ query: operation.query, variables: operation.variables });
}
