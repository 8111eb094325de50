/*
 * Building blocks of the input schemas. Every error message says what was expected and what
 * was given; the field's path is added by `run-validation.ts`. Internal to the SDK.
 */
import * as z from 'zod';
import { createCatalogueLookup, unknownCodeMessage } from '../catalogues/catalogue-lookup.js';
import { AGENCIES, ORGANISATIONS } from '../catalogues/agencies.js';
import {
  FUNDING_RECURRENCES,
  FUNDING_SOURCES,
  RECORD_KINDS,
  REPLICATION_SITE_KINDS,
  RESOURCE_KINDS,
  type ReplicationSiteKind,
  type ResourceKind,
} from '../catalogues/labelled-enums.js';
import type { Commendation, Funding, Label, RecordRef, Replication, Resource, SourceRef } from '../domain/types.js';
import { describeValue } from '../errors.js';
import { checkPeriodFormat, isCalendarDate, MAX_YEAR, MIN_YEAR } from './period-format.js';

/** `expected <what>, got <value>` as a zod error function. */
const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `expected ${what}, got ${describeValue(issue.input)}`;

/** Control characters other than tab and line breaks: no text of a record means them, and PostgreSQL cannot store U+0000. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** `U+0007` for a character. */
function codePointOf(character = ''): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `U+0000` for the first control character of a text. */
function firstControlCharacter(value: unknown): string {
  return codePointOf(CONTROL_CHARACTER.exec(String(value))?.[0]);
}

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make a
 * text display in another order than it is stored ("Trojan Source"), and no Vietnamese text needs them.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * U+FFFD, which a decoder puts where it could not read a character (a Windows-1258 file read as
 * UTF-8), and a surrogate without its pair, which is no character and is stored as U+FFFD.
 */
const LOST_CHARACTER = /\ufffd|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A character that shows something: not a space and not a format character (U+200B, U+FEFF …). */
const VISIBLE_CHARACTER = /[^\s\p{Cf}]/u;

/**
 * A text that shows something, at most `max` characters, without control characters but tab and
 * line breaks, nor bidirectional controls. Stored in NFC without surrounding spaces: Vietnamese typed
 * as combining marks ("Unicode tổ hợp") and as precomposed letters is then the same text, as other
 * agencies compare and sort it.
 */
export function text(max = 500) {
  return z
    .string({ error: expected('text') })
    .normalize('NFC')
    .trim()
    .refine((s) => VISIBLE_CHARACTER.test(s), { error: 'expected a non-empty text (spaces and invisible characters alone do not count)' })
    .refine((s) => s.length <= max, { error: (issue) => `expected at most ${max} characters, got ${String(issue.input).length}` })
    .refine((s) => !CONTROL_CHARACTER.test(s), { error: (issue) => `expected text without control characters, got ${firstControlCharacter(issue.input)}` })
    .refine((s) => !BIDI_CONTROL.test(s), {
      error: (issue) =>
        `expected text without bidirectional controls (they make it display in another order than it is stored), got ${codePointOf(BIDI_CONTROL.exec(String(issue.input))?.[0])}`,
    })
    .refine((s) => !LOST_CHARACTER.test(s), {
      error: (issue) =>
        `expected text whose every character was read, got ${codePointOf(LOST_CHARACTER.exec(String(issue.input))?.[0])} (a character lost in decoding): send the text as UTF-8, as it was typed`,
    });
}

/** A stable id: 1–200 characters, no spaces, control or format characters (an id that looks like another is refused). */
const RECORD_ID = /^[^\s\p{Cc}\p{Cf}\p{Cs}\ufffd]{1,200}$/u;

/** Whether `value` is an id a record may have: 1–200 characters (code points) without spaces, control or invisible characters, nor one lost in decoding. */
export function isRecordId(value: unknown): value is string {
  return typeof value === 'string' && RECORD_ID.test(value);
}

export const id = z.string({ error: expected('an id (text)') }).regex(RECORD_ID, {
  error: (issue) => `expected an id of 1–200 characters without spaces, control or invisible characters, got ${describeValue(issue.input)}`,
});

/** A real calendar date `YYYY-MM-DD`. */
export const isoDate = z.string({ error: expected('a date as YYYY-MM-DD') }).refine(isCalendarDate, {
  error: (issue) => `expected a real calendar date as YYYY-MM-DD between ${MIN_YEAR} and ${MAX_YEAR}, got ${describeValue(issue.input)}`,
});

/** A year from 1945 to 2100. */
export const year = z
  .int({ error: expected(`a year (whole number ${MIN_YEAR}–${MAX_YEAR})`) })
  .refine((n) => n >= MIN_YEAR && n <= MAX_YEAR, { error: expected(`a year from ${MIN_YEAR} to ${MAX_YEAR}`) });

/** A non-negative whole number. */
export const count = z.int({ error: expected('a whole number (0 or more)') }).refine((n) => n >= 0, { error: expected('a whole number (0 or more)') });

/** A whole number, 1 or more. */
export const positiveCount = z.int({ error: expected('a whole number (1 or more)') }).refine((n) => n >= 1, { error: expected('a whole number (1 or more)') });

/** An amount of VND: a non-negative safe integer, never a float or a string. */
export const vnd = z.int({ error: expected('a whole number of VND (safe integer)') }).refine((n) => n >= 0, { error: expected('a non-negative amount of VND') });

/** A finite number (no NaN, no Infinity). */
export const finiteNumber = z.number({ error: expected('a number') }).refine(Number.isFinite, { error: expected('a finite number') });

export const boolean = z.boolean({ error: expected('true or false') });

/** GSO code of an official unit: 2 digits (province), 3 (district) or 5 (commune). Format only. */
export const areaCode = z.string({ error: expected('an area code (text of digits)') }).regex(/^(?:\d{2}|\d{3}|\d{5})$/, {
  error: (issue) => `expected an area code of 2 (province), 3 (district) or 5 (commune) digits, got ${describeValue(issue.input)}`,
});

/** GSO code of a commune: 5 digits. */
export const communeCode = z.string({ error: expected('a commune code (5 digits)') }).regex(/^\d{5}$/, { error: expected('a commune code of 5 digits') });

/** A lower-case kebab-case slug: `ap-3`, `to-dan-pho-gia-thanh`. */
export const slug = z
  .string({ error: expected('a slug (text)') })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: expected('a lower-case slug of letters, digits and dashes, e.g. "ap-3"') })
  .refine((s) => s.length <= 100, { error: 'expected a slug of at most 100 characters' });

/** `<commune code>:<slug>`, e.g. `28168:ap-3`. */
export const residentialAreaId = z
  .string({ error: expected('a residential-area id (text)') })
  .regex(/^\d{5}:[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: expected('a residential-area id as <commune code>:<slug>, e.g. "28168:ap-3"') });

/** A period string; see `period-format.ts`. */
export const period = z.string({ error: expected('a period (text)') }).superRefine((value, ctx) => {
  const problem = checkPeriodFormat(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${problem}, got ${describeValue(value)}` });
});

/** A web address (http or https). */
export const url = z.url({ protocol: /^https?$/, error: expected('an http(s) URL') });

/** One of a catalogue's codes, suggesting close codes when it is not. */
export function catalogueCode<const C extends string>(noun: string, codes: readonly C[], suggest?: (query: string) => readonly string[]) {
  const listed = codes.length <= MAX_CODES_LISTED;
  const allowed = listed ? `one of ${codes.map((c) => `"${c}"`).join(', ')}` : `a ${noun} code`;
  return z.enum(codes as [C, ...C[]], {
    error: (issue) => {
      if (typeof issue.input !== 'string') return `expected ${allowed}, got ${describeValue(issue.input)}`;
      const suggestions = suggest?.(issue.input) ?? [];
      // With a short list of codes, the list itself says what to send.
      if (listed && suggestions.length === 0) return `unknown ${noun} ${describeValue(issue.input)} (expected ${allowed})`;
      return unknownCodeMessage(noun, issue.input, suggestions) + (codes.length <= 8 ? ` (expected ${allowed})` : '');
    },
  });
}
const MAX_CODES_LISTED = 15;

/** One of the codes of a labelled enumeration (a record from code to label), suggesting close codes. */
export function labelledCode<R extends Readonly<Record<string, Label>>>(noun: string, record: R) {
  const codes = Object.keys(record) as (keyof R & string)[];
  const lookup = createCatalogueLookup(
    noun,
    codes.map((code) => ({ code, label: record[code]! })),
  );
  return catalogueCode(noun, codes, lookup.suggest);
}

/** A list of at most `max` items. */
export function list<T extends z.ZodType>(item: T, max = 200) {
  return z
    .array(item, { error: expected('a list') })
    .refine((items) => items.length <= max, { error: (issue) => `expected at most ${max} items, got ${(issue.input as unknown[]).length}` });
}

export const agencyCode = catalogueCode(
  'agency',
  AGENCIES.map((a) => a.code),
);
export const organisationCode = catalogueCode(
  'organisation',
  ORGANISATIONS.map((o) => o.code),
);

export const sourceRef: z.ZodType<SourceRef> = z.strictObject({
  title: text(500),
  date: isoDate.optional(),
  url: url.optional(),
});

export const funding: z.ZodType<Funding> = z.strictObject({
  amountVnd: vnd,
  source: labelledCode('funding source', FUNDING_SOURCES),
  atLeast: boolean.optional(),
  recurrence: labelledCode('funding recurrence', FUNDING_RECURRENCES).optional(),
  per: text(100).optional(),
  note: text(2000).optional(),
});

/** Resource with a kind from the resource-kind catalogue. */
export interface ResourceInput extends Resource {
  readonly kind: ResourceKind;
}
export const resource: z.ZodType<ResourceInput> = z.strictObject({
  kind: labelledCode('resource kind', RESOURCE_KINDS),
  quantity: count,
  approximate: boolean.optional(),
  note: text(2000).optional(),
});

export const commendation: z.ZodType<Commendation> = z.strictObject({
  by: text(300),
  date: isoDate.optional(),
  year: year.optional(),
  amountVnd: vnd.optional(),
  note: text(2000).optional(),
});

/** Replication with a site kind from the site-kind catalogue. */
export interface ReplicationInput extends Replication {
  readonly siteKind?: ReplicationSiteKind;
}
export const replication: z.ZodType<ReplicationInput> = z.strictObject({
  areaCodes: list(areaCode, 5000).optional(),
  sites: count.optional(),
  siteKind: labelledCode('replication site kind', REPLICATION_SITE_KINDS).optional(),
  note: text(2000).optional(),
});

export const recordRef: z.ZodType<RecordRef> = z.strictObject({
  agency: agencyCode,
  kind: labelledCode('linked record kind', { security_model: RECORD_KINDS.security_model, volunteer_force: RECORD_KINDS.volunteer_force }),
  id,
});
