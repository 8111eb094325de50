import { AGENCY_CODES, INDICATORS, getIndicator, isAgencyCode, isAntqError, parsePeriod, suggestIndicators, type Agency, type Period } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { usageError } from './cli-error.js';

/**
 * Checks of what a user types, with the SDK, before anything is sent: an unknown area, indicator,
 * agency or a period that does not parse is a usage error (exit 2) that says what to write instead.
 */

export async function checkArea(code: string): Promise<AreaRegistry> {
  const registry = await loadAreaRegistry();
  if (!registry.has(code)) throw usageError(`Unknown area code "${code}". Find the code with \`npx antq areas search "<name>"\`.`);
  return registry;
}

export function checkPeriod(text: string): Period {
  try {
    return parsePeriod(text);
  } catch (error) {
    if (isAntqError(error)) throw usageError(error.message);
    throw error;
  }
}

export function checkIndicators(codes: readonly string[]): string[] {
  for (const code of codes) {
    if (getIndicator(code) === undefined) {
      const near = suggestIndicators(code).slice(0, 3);
      throw usageError(
        `Unknown indicator "${code}"${near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''} The catalogue: \`{ indicators { code } }\` (${INDICATORS.length} codes).`,
      );
    }
  }
  return [...codes];
}

export function checkAgencies(codes: readonly string[]): Agency[] {
  const lower = codes.map((code) => code.toLowerCase());
  const bad = lower.find((code) => !isAgencyCode(code));
  if (bad !== undefined) throw usageError(`Unknown agency "${bad}": use ${AGENCY_CODES.join(', ')}.`);
  return lower as Agency[];
}

/** Commander's collector for an option that may be repeated or given as a comma list. */
export const collect = (value: string, all: string[] | undefined): string[] => [
  ...(all ?? []),
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];
