import type { ClientGraphQLError } from '@antq/client';
import { AGENCIES, api, AREA_LINEAGE, DESIGNATIONS, fetchAgencyRecords, token, type AgencyField, type AgencyRecords, type AreaLineage } from './api.js';
import { indicatorCatalogue, loadKeyFigures, type FigureRow } from './figures.js';

type Answer<T> = Promise<{ data: T | null; errors: readonly ClientGraphQLError[] }>;

/** Every request of the Area view for one unit, started together. */
export interface AreaRequests {
  readonly code: string;
  /** Whose answers they are: a sign-in as someone else asks again. */
  readonly token: string | undefined;
  readonly startedAt: number;
  readonly figures: Answer<FigureRow[]>;
  readonly lineage: Answer<AreaLineage>;
  readonly records: Answer<Partial<Record<AgencyField, AgencyRecords | null>>>;
  readonly designations: Answer<NonNullable<NonNullable<NonNullable<Awaited<ReturnType<typeof designations>>['data']>['area']>['police']>['complexAreaDesignations']>;
}

const designations = (code: string) => api().request(DESIGNATIONS, { code });

/** A request that failed before any answer, as an answer with its error: started before any panel listens, it must not reject unheard. */
function settled<T>(answer: Answer<T>): Answer<T> {
  return answer.catch((error: unknown) => ({ data: null, errors: [{ message: (error as Error).message, code: 'NETWORK_ERROR', extensions: {} }] }));
}

/** How long the requests started for a unit serve the panels that mount for it (then a visit asks again). */
const SHARED_MS = 5_000;
let started: AreaRequests | undefined;

/**
 * The Area view's requests for a unit, all in flight at once: the key figures' first round (what
 * was reported, and the indicator catalogue) first, as their second round waits on it; then the
 * lineage, the records (one request per agency) and the restricted panel. `main.tsx` calls this before
 * the page's first render, so nothing waits for the components to mount.
 */
export function areaRequests(code: string): AreaRequests {
  if (started?.code === code && started.token === token.get() && Date.now() - started.startedAt < SHARED_MS) return started;
  void indicatorCatalogue();
  started = {
    code,
    token: token.get(),
    startedAt: Date.now(),
    figures: settled(loadKeyFigures(code)),
    lineage: settled(
      api()
        .request(AREA_LINEAGE, { code })
        .then(({ data, errors }) => ({ data: data?.area ?? null, errors })),
    ),
    records: settled(
      Promise.all(AGENCIES.map((agency) => fetchAgencyRecords(code, agency))).then((answers) => ({
        data: Object.fromEntries(AGENCIES.map((agency, index) => [agency, answers[index]?.view ?? null])) as Record<AgencyField, AgencyRecords | null>,
        errors: answers.flatMap((answer) => answer.errors),
      })),
    ),
    designations: settled(designations(code).then(({ data, errors }) => ({ data: data?.area?.police?.complexAreaDesignations ?? null, errors }))),
  };
  return started;
}
