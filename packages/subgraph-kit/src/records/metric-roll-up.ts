import {
  comparePeriods,
  formatPeriod,
  parsePeriod,
  previousPeriod,
  requireIndicator,
  rollUpObservations,
  type Agency,
  type Observation,
} from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import type { StoredObservation } from './observation-store.js';

/** Builds the metric roll-up for one area, indicator and period from stored observations. */
export function rollUpStored(
  options: { agency: Agency; registry: AreaRegistry },
  request: { target: string; indicator: string; period: string; observations: readonly StoredObservation[] },
) {
  const indicator = requireIndicator(request.indicator);
  const period = parsePeriod(request.period);
  const previous = previousPeriod(period);
  const toSdk = (row: StoredObservation): Observation => ({
    id: row.id,
    indicator: row.indicator,
    areaCode: row.areaCode,
    period: row.period,
    value: row.value,
    agency: options.agency,
    revision: row.revision,
  });
  const current = rollUpObservations({
    indicator,
    observations: request.observations.map(toSdk),
    target: request.target,
    period: formatPeriod(period),
    areas: options.registry,
  });
  const before = rollUpObservations({
    indicator,
    observations: request.observations.map(toSdk),
    target: request.target,
    period: formatPeriod(previous),
    areas: options.registry,
  });
  const comparison =
    current.value === null && before.value === null
      ? null
      : {
          previousPeriod: formatPeriod(previous),
          ...comparePeriods({ current: current.value ?? 0, previous: before.value ?? 0 }),
          current: current.value,
          previous: before.value,
        };
  return {
    indicator,
    period: formatPeriod(period),
    value: current.value,
    contributions: current.contributions,
    partial: current.partial,
    comparison: comparison && {
      ...comparison,
      direction: comparison.direction ? String(comparison.direction).toUpperCase() : null,
      changePercent: comparison.changePercent ?? null,
    },
  };
}

