import { AGENCIES, formatPeriod, parsePeriod, type Agency, type Organisation } from '@antq/sdk';
import { appendChange } from '../outbox/change-outbox.js';
import type { SqlExecutor } from '../storage/index.js';
import { observationStore, type StoredObservation } from './observation-store.js';
import { recordTables } from './record-loaders.js';

/** The organisation an agency's records belong to when the input names none. */
export const DEFAULT_ORGANISATION: Readonly<Record<Agency, Organisation>> = Object.fromEntries(AGENCIES.map((agency) => [agency.code, agency.organisation])) as Record<
  Agency,
  Organisation
>;

/** Stores a validated model or force and its change event; call inside a transaction. */
export async function insertOwnedRecord(tx: SqlExecutor, write: { kind: 'models' | 'forces'; agency: Agency; record: Record<string, unknown> & { id: string }; author: string }) {
  const table = recordTables[write.kind];
  const record = { ...write.record, agency: write.agency, organisation: write.record.organisation ?? DEFAULT_ORGANISATION[write.agency] };
  const stored = await table.insert(tx, record as never, write.author);
  await appendChange(tx, { agency: write.agency, recordKind: table.spec.recordKind, recordId: stored.id, change: 'created', areaCode: String(stored.areaCode), payload: stored });
  return stored;
}

/** A validated observation report, before it has an id. */
export interface ObservationReport {
  readonly indicator: string;
  readonly areaCode: string;
  readonly residentialAreaId?: string | undefined;
  readonly period: string;
  readonly value: number;
  readonly atLeast?: boolean | undefined;
  readonly approximate?: boolean | undefined;
  readonly organisation?: string | undefined;
  readonly note?: string | undefined;
  readonly sources?: readonly { title: string; date?: string; url?: string }[] | undefined;
}

/** Stores a validated observation as revision 1 and its change event; call inside a transaction. */
export async function insertObservation(tx: SqlExecutor, write: { agency: Agency; id: string; report: ObservationReport; author: string }): Promise<StoredObservation> {
  const { report } = write;
  const period = parsePeriod(report.period);
  const stored = await observationStore.insert(
    tx,
    {
      id: write.id,
      indicator: report.indicator,
      areaCode: report.areaCode,
      ...(report.residentialAreaId ? { residentialAreaId: report.residentialAreaId } : {}),
      period: formatPeriod(period),
      periodStart: period.start,
      periodEnd: period.end,
      value: report.value,
      atLeast: report.atLeast ?? false,
      approximate: report.approximate ?? false,
      organisation: report.organisation ?? DEFAULT_ORGANISATION[write.agency],
      ...(report.note ? { note: report.note } : {}),
      sources: report.sources ?? [],
    },
    write.author,
  );
  await appendChange(tx, { agency: write.agency, recordKind: 'observation', recordId: stored.id, change: 'reported', areaCode: stored.areaCode, payload: stored });
  return stored;
}
