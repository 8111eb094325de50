import { validateObservationInput, validateSecurityModelInput, validateVolunteerForceInput, type Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import type { Storage } from '../storage/index.js';
import { observationStore } from './observation-store.js';
import { recordTables } from './record-loaders.js';
import { insertObservation, insertOwnedRecord } from './record-writes.js';

/** An agency's records as plain inputs, each with a stable id so loading twice changes nothing. */
export interface AgencyDataset {
  readonly agency: Agency;
  readonly models?: readonly (Record<string, unknown> & { id: string })[];
  readonly forces?: readonly (Record<string, unknown> & { id: string })[];
  readonly observations?: readonly (Record<string, unknown> & { id: string })[];
}

/** Who the example data is recorded as: the agency's own data loader. */
export const DATASET_AUTHOR = 'example-dataset';

/**
 * Nạp dữ liệu mẫu — writes a dataset through the same validation and change outbox as the
 * mutations, in one transaction, skipping records whose id is already stored.
 * Returns how many records were written.
 */
export async function loadAgencyDataset(storage: Storage, registry: AreaRegistry, dataset: AgencyDataset): Promise<number> {
  const { agency } = dataset;
  const options = { agency, areas: registry };
  return storage.transaction(async (tx) => {
    let written = 0;
    for (const [kind, inputs] of [
      ['models', dataset.models ?? []],
      ['forces', dataset.forces ?? []],
    ] as const) {
      const stored = new Set(
        (
          await recordTables[kind].byIds(
            tx,
            inputs.map((input) => input.id),
          )
        )
          .filter(Boolean)
          .map((record) => record!.id),
      );
      for (const input of inputs.filter((candidate) => !stored.has(candidate.id))) {
        const valid = kind === 'models' ? validateSecurityModelInput(input, options) : validateVolunteerForceInput(input, options);
        await insertOwnedRecord(tx, { kind, agency, record: { ...valid, id: input.id }, author: DATASET_AUTHOR });
        written += 1;
      }
    }
    const observations = dataset.observations ?? [];
    const stored = new Set(
      (
        await observationStore.byIds(
          tx,
          observations.map((input) => input.id),
        )
      )
        .filter(Boolean)
        .map((row) => row!.id),
    );
    for (const input of observations.filter((candidate) => !stored.has(candidate.id))) {
      await insertObservation(tx, { agency, id: input.id, report: validateObservationInput(input, options), author: DATASET_AUTHOR });
      written += 1;
    }
    return written;
  });
}
