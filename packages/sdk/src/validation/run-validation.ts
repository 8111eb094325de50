/*
 * Runs one input schema and turns what is wrong into one `AntqError`. Internal to the SDK.
 */
import type * as z from 'zod';
import { dateInVietnam } from '../periods/calendar-date.js';
import type { AreaRegistry } from '../areas/area-registry-types.js';
import { agencyCarriesOrganisation, getAgencyOrganisations, getOrganisation } from '../catalogues/agencies.js';
import type { Agency, Organisation } from '../domain/types.js';
import { AntqError, ErrorCode, type FieldIssue } from '../errors.js';
import { describeValue } from '../errors.js';

/** What a validator may be told about the world it validates in. */
export interface ValidationOptions {
  /**
   * Which area codes exist. Without it only the format of codes is checked; with it an unknown
   * code fails with `UNKNOWN_AREA`. An area registry, or a plain `Set<string>`, will do; with a
   * registry, a code must also name a unit during the time the input speaks of (a figure for
   * 2026 under a commune that ended in 2025 fails with `BAD_USER_INPUT`).
   */
  readonly areas?: { has(code: string): boolean } | AreaRegistry;
  /**
   * The agency whose subgraph receives the input. The input's `organisation` must be one this
   * agency carries, and an `agency` in the input must match it.
   */
  readonly agency?: Agency;
}

/** Collects the problems that the schema cannot see (they need options or several fields). */
export class IssueList {
  readonly items: FieldIssue[] = [];
  add(path: string, message: string): void {
    this.items.push({ path, message });
  }
}

/** What one input kind needs to be validated. */
export interface InputSpec<T> {
  /** Names the input in the error message: "security model". */
  readonly noun: string;
  readonly schema: z.ZodType<T>;
  /** Checks across fields and against options, on a value the schema accepted. */
  readonly check?: (value: T, issues: IssueList, options: ValidationOptions) => void;
  /** Area codes in the value that must exist, with the path of each and the time it speaks of. */
  readonly areaCodes?: (value: T) => readonly AreaReference[];
}

/** An area code in an input, and the time the input speaks of it (its period, or a record's dates). */
export interface AreaReference {
  readonly path: string;
  readonly code: string;
  readonly during?: InputTime;
}

/** A span of days (ISO dates, both inclusive; no end: open), and how a message names it ("in 2026"). */
export interface InputTime {
  readonly start: string;
  readonly end?: string;
  readonly text: string;
  /** What to do under the units that took an ended one over (default: report that time under them). */
  readonly instead?: (successors: string) => string;
}

/** The time of a yearly figure or designation. */
export function yearTime(year: number): InputTime {
  const padded = String(year).padStart(4, '0');
  return { start: `${padded}-01-01`, end: `${padded}-12-31`, text: `in ${padded}` };
}

/** The time of a record that started (or was established) on `start` and may have ended. */
export function datesTime(start: string | undefined, end?: string): InputTime | undefined {
  if (start === undefined) return undefined;
  return end === undefined ? { start, text: `on or after ${start}` } : { start, end, text: `between ${start} and ${end}` };
}

const MAX_LISTED = 5;

/** Validates `input` against `spec`; returns the parsed value or throws `AntqError`. */
export function runValidation<T>(spec: InputSpec<T>, input: unknown, options: ValidationOptions = {}): T {
  const result = spec.schema.safeParse(withoutNulls(input), { error: fallbackMessage });
  if (!result.success) throw invalid(spec.noun, result.error.issues.flatMap(toFieldIssues));

  const issues = new IssueList();
  spec.check?.(result.data, issues, options);
  if (issues.items.length > 0) throw invalid(spec.noun, issues.items);

  const areas = options.areas;
  if (areas !== undefined && spec.areaCodes !== undefined) {
    const references = spec.areaCodes(result.data);
    const unknown = references.filter(({ code }) => !areas.has(code));
    if (unknown.length > 0) throw unknownAreas(unknown);
    if (isRegistry(areas)) checkUnitsStood(spec.noun, references, areas);
  }
  return result.data;
}

function isRegistry(areas: { has(code: string): boolean }): areas is AreaRegistry {
  return typeof (areas as Partial<AreaRegistry>).versions === 'function';
}

/**
 * Đơn vị còn tồn tại — a code must name a unit during the time the input speaks of: a figure for
 * 2026 under Xã Long Hậu (28168, ended 2025-07-01) belongs under Xã Cần Giuộc (28159). The
 * register starts at its first date, so a unit in the first register stood before it too.
 */
function checkUnitsStood(noun: string, references: readonly AreaReference[], registry: AreaRegistry): void {
  const issues = new IssueList();
  for (const { path, code, during } of references) {
    if (during !== undefined && !standsDuring(registry, code, during)) issues.add(path, notDuring(registry, code, during));
  }
  if (issues.items.length > 0) throw invalid(noun, issues.items);
}

function standsDuring(registry: AreaRegistry, code: string, time: InputTime): boolean {
  const first = registry.registers[0];
  return registry
    .versions(code)
    .some((version) => (version.validFrom === first || time.end === undefined || version.validFrom <= time.end) && (version.validTo === undefined || version.validTo > time.start));
}

function notDuring(registry: AreaRegistry, code: string, time: InputTime): string {
  const versions = registry.versions(code);
  const first = versions[0]!;
  const last = versions.at(-1)!;
  const span = first.validFrom === registry.registers[0] ? `until ${last.validTo}` : `${first.validFrom} – ${last.validTo ?? 'now'}`;
  const after = last.validTo !== undefined && time.start >= last.validTo;
  const now = after ? registry.currentOf(code).map((unit) => `${registry.get(unit.code)?.fullName ?? ''} (${unit.code})`) : [];
  const instead = time.instead ?? ((successors: string) => `report that time under ${successors}, which took it over`);
  return `area ${code} (${last.fullName}) did not exist ${time.text} (it stood ${span})${now.length > 0 ? `; ${instead(now.join(', '))}` : ''}`;
}

/**
 * Checks `agency` and `organisation` of an owned-record input against each other and against
 * `options.agency`. Adds issues under `agency` and `organisation`.
 */
export function checkOwner(value: { readonly agency?: Agency; readonly organisation?: Organisation }, issues: IssueList, options: ValidationOptions): void {
  if (value.agency !== undefined && options.agency !== undefined && value.agency !== options.agency) {
    issues.add('agency', `expected "${options.agency}" (the agency this input is sent to), got "${value.agency}"`);
    return;
  }
  const agency = value.agency ?? options.agency;
  if (agency === undefined || value.organisation === undefined) return;
  if (!agencyCarriesOrganisation(agency, value.organisation)) {
    const carrier = getOrganisation(value.organisation)?.carriedBy;
    const allowed = getAgencyOrganisations(agency)
      .map((o) => `"${o}"`)
      .join(', ');
    issues.add('organisation', `expected an organisation that the ${agency} subgraph carries (${allowed}), got "${value.organisation}", which the ${carrier} subgraph carries`);
  }
}

/** Checks that a residential area given with an area code lies in that commune. */
export function checkResidentialArea(value: { readonly areaCode: string; readonly residentialAreaId?: string }, issues: IssueList): void {
  if (value.residentialAreaId === undefined) return;
  const commune = value.residentialAreaId.slice(0, value.residentialAreaId.indexOf(':'));
  if (commune !== value.areaCode) {
    issues.add(
      'residentialAreaId',
      `expected a residential area of commune ${describeValue(value.areaCode)} (the areaCode), got one of commune "${commune}"; set areaCode to the residential area's commune`,
    );
  }
}

/**
 * Checks that the time an input records has begun by today's date in Vietnam: a figure counted, a
 * recognition given or a rating made for a month or year still to come is a mistyped date.
 */
export function checkBegun(time: { readonly path: string; readonly noun: string; readonly given: string; readonly start: string }, issues: IssueList): void {
  const today = dateInVietnam();
  if (time.start > today) issues.add(time.path, `expected a ${time.noun} that has begun (today is ${today} in Vietnam), got ${time.given}, which starts on ${time.start}`);
}

/** Checks that an end date is not before a start date. */
export function checkDateOrder(start: { path: string; date: string | undefined }, end: { path: string; date: string | undefined }, issues: IssueList): void {
  if (start.date !== undefined && end.date !== undefined && end.date < start.date) {
    issues.add(end.path, `expected a date on or after ${start.path} (${start.date}), got "${end.date}"`);
  }
}

function invalid(noun: string, issues: readonly FieldIssue[]): AntqError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const listed = issues
    .slice(0, MAX_LISTED)
    .map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`))
    .join('; ');
  const more = issues.length > MAX_LISTED ? `; and ${issues.length - MAX_LISTED} more` : '';
  return new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid ${noun}: ${count} — ${listed}${more}`, {
    details: { input: noun },
    issues,
  });
}

function unknownAreas(unknown: readonly { path: string; code: string }[]): AntqError {
  const codes = [...new Set(unknown.map(({ code }) => code))];
  const message =
    codes.length === 1
      ? `Unknown area code "${codes[0]}". Search with Query.areas(search:).`
      : `Unknown area codes ${codes.map((c) => `"${c}"`).join(', ')}. Search with Query.areas(search:).`;
  return new AntqError(ErrorCode.UNKNOWN_AREA, message, {
    details: { areaCode: codes[0], areaCodes: codes },
    issues: unknown.map(({ path, code }) => ({ path, message: `unknown area code "${code}"` })),
  });
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((key) => String(key)).join('.');
}

function toFieldIssues(issue: z.core.$ZodIssue): FieldIssue[] {
  const path = pathOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    // One issue per unknown field, at the field's own path.
    return issue.keys.map((key) => ({
      path: path === '' ? key : `${path}.${key}`,
      message: `unknown field "${key}"; remove it or check its spelling`,
    }));
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return issue.errors.flat().flatMap((inner) => toFieldIssues({ ...inner, path: [...issue.path, ...inner.path] }));
  }
  return [{ path, message: issue.message }];
}

/** Messages for the issues that the field schemas do not word themselves. */
function fallbackMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const nouns: Record<string, string> = { object: 'an object', array: 'a list', string: 'text', number: 'a number', boolean: 'true or false' };
      return `expected ${nouns[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    }
    case 'too_big':
      return `expected at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return `expected at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    default:
      return `invalid value ${describeValue(issue.input)}`;
  }
}

/**
 * GraphQL hands optional input fields over as `null` when the caller wrote `null`; treat a
 * `null` property as an absent one. Nulls inside lists stay, and fail as wrong types.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === null ? item : withoutNulls(item)));
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) out[key] = withoutNulls(item);
  }
  return out;
}
