import { GraphQLScalarType } from 'graphql';

/**
 * Phạm vi đã đọc — what one request read of an agency's data, by kind of record and area code,
 * sent back to the gateway in a response header so that its response cache drops an answer
 * only when a change falls inside what the answer read (a figure corrected in another commune
 * leaves a commune's roll-up standing).
 *
 * It must never say less than was read: the loaders note each scope they read, and any other
 * resolver that reads the store (grants, the change outbox, an agency's own resolvers) marks the
 * request as having read everything of the agency.
 */

/** The response header that carries a request's read scope (see `formatReadScope`). */
export const READ_SCOPE_HEADER = 'antq-read-scope';
/** The response header of a write: the agency's newest outbox seq once the write committed. */
export const OUTBOX_HEAD_HEADER = 'antq-outbox-head';

/** Past this many area codes of one kind, the scope says every area: a request's set stays small. */
const MAX_CODES_PER_KIND = 2_000;
/**
 * The longest header text sent. HTTP clients refuse a response whose headers pass 16 KiB
 * (Node's default), and the gateway would then report the agency as not answering; a read
 * over a few large provinces notes that many codes of each kind it lists.
 */
export const READ_SCOPE_MAX_LENGTH = 8_192;

/** What a request read: everything, or per kind of record every area ('*') or the area codes read. */
export type ReadScopeValue = '*' | ReadonlyMap<string, '*' | ReadonlySet<string>>;

export interface ReadScope {
  /** Records of `kind` under these area codes (every area for '*'), listed, counted or rolled up. */
  noteAreas(kind: string, codes: readonly string[] | '*'): void;
  /** Records of `kind` read by id: their areas, and every area for an id that has no record (one may be created). */
  noteRecords(kind: string, records: readonly ({ readonly areaCode?: unknown } | undefined | Error)[]): void;
  /** Something was read that no scope describes. */
  noteEverything(): void;
  /** The request wrote (a mutation resolver ran). */
  noteWrite(): void;
  readonly wrote: boolean;
  value(): ReadScopeValue;
}

export function createReadScope(): ReadScope {
  let everything = false;
  let wrote = false;
  const kinds = new Map<string, '*' | Set<string>>();
  const codesOf = (kind: string): Set<string> | undefined => {
    let codes = kinds.get(kind);
    if (codes === '*') return undefined;
    if (!codes) kinds.set(kind, (codes = new Set()));
    return codes;
  };
  const add = (kind: string, codes: Set<string>, code: string) => {
    codes.add(code);
    if (codes.size > MAX_CODES_PER_KIND) kinds.set(kind, '*');
  };
  return {
    noteAreas(kind, read) {
      if (everything) return;
      if (read === '*') {
        kinds.set(kind, '*');
        return;
      }
      const codes = codesOf(kind);
      if (codes) for (const code of read) add(kind, codes, code);
    },
    noteRecords(kind, records) {
      if (everything) return;
      const codes = codesOf(kind);
      if (!codes) return;
      for (const record of records) {
        const area = record instanceof Error ? undefined : record?.areaCode;
        if (area === undefined || area === null) {
          kinds.set(kind, '*');
          return;
        }
        add(kind, codes, String(area));
      }
    },
    noteEverything() {
      everything = true;
      kinds.clear();
    },
    noteWrite() {
      wrote = true;
    },
    get wrote() {
      return wrote;
    },
    value: () => (everything ? '*' : kinds),
  };
}

/**
 * The header's text: `*`, or `kind=code,code;kind=*` (empty when nothing of the store was read),
 * at most `maxLength` long: past it, the kinds with the longest lists say every area instead,
 * longest first. A wider scope only drops more answers; it never says less than was read.
 */
export function formatReadScope(value: ReadScopeValue, maxLength = READ_SCOPE_MAX_LENGTH): string {
  if (value === '*') return '*';
  const parts = [...value].map(([kind, codes]) => ({ kind, text: codes === '*' ? '*' : [...codes].join(',') }));
  let length = parts.reduce((sum, part) => sum + part.kind.length + 1 + part.text.length, parts.length - 1);
  if (length > maxLength) {
    for (const part of [...parts].sort((a, b) => b.text.length - a.text.length)) {
      if (length <= maxLength) break;
      length -= part.text.length - 1;
      part.text = '*';
    }
  }
  return parts.map((part) => `${part.kind}=${part.text}`).join(';');
}

/** Reads the header's text back; a missing or malformed header reads as everything. */
export function parseReadScope(text: string | null | undefined): ReadScopeValue {
  if (text === null || text === undefined || text.trim() === '*') return '*';
  const kinds = new Map<string, '*' | ReadonlySet<string>>();
  for (const part of text.split(';')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals <= 0) return '*';
    const kind = part.slice(0, equals);
    const codes = part.slice(equals + 1);
    kinds.set(kind, codes === '*' ? '*' : new Set(codes.split(',').filter((code) => code !== '')));
  }
  return kinds;
}

type AnyFunction = (...args: unknown[]) => unknown;
type ResolverMap = Record<string, unknown>;

/** A map of resolvers (merged maps have odd prototypes), not a scalar. */
function isResolverMap(value: unknown): value is ResolverMap {
  return value !== null && typeof value === 'object' && !(value instanceof GraphQLScalarType);
}

/** The request's read scope in a resolver's arguments: `__resolveType` and kin take the context second, field resolvers third. */
function scopeIn(field: string, args: unknown[]): ReadScope | undefined {
  const context = (field.startsWith('__') ? args[1] : args[2]) as { reads?: ReadScope } | undefined;
  return context?.reads;
}

/** Wraps every resolver function of a map (fields, `{ resolve, subscribe }`, `__resolveReference` …) with `before`. */
function wrapResolvers(resolvers: ResolverMap, before: (scope: ReadScope) => void, onlyType?: string): ResolverMap {
  const wrap = (field: string, resolve: AnyFunction): AnyFunction =>
    function (this: unknown, ...args: unknown[]) {
      const scope = scopeIn(field, args);
      if (scope) before(scope);
      return resolve.apply(this, args);
    };
  const wrapped: ResolverMap = {};
  for (const [typeName, fields] of Object.entries(resolvers)) {
    // Scalars hold no resolver to wrap; enum value maps hold no function.
    if (!isResolverMap(fields) || (onlyType !== undefined && typeName !== onlyType)) {
      wrapped[typeName] = fields;
      continue;
    }
    const type: ResolverMap = {};
    for (const [field, resolver] of Object.entries(fields)) {
      if (typeof resolver === 'function') type[field] = wrap(field, resolver as AnyFunction);
      else if (isResolverMap(resolver)) {
        type[field] = Object.fromEntries(Object.entries(resolver).map(([key, value]) => [key, typeof value === 'function' ? wrap(field, value as AnyFunction) : value]));
      } else type[field] = resolver;
    }
    wrapped[typeName] = type;
  }
  return wrapped;
}

/** Resolvers that read the store without noting a scope: a request that runs any of them read everything of the agency. */
export function readingEverything<Map extends ResolverMap>(resolvers: Map): Map {
  return wrapResolvers(resolvers, (scope) => scope.noteEverything()) as Map;
}

/** Every mutation resolver marks its request as a write (the gateway then waits to hear its changes). */
export function markingWrites<Map extends ResolverMap>(resolvers: Map): Map {
  return wrapResolvers(resolvers, (scope) => scope.noteWrite(), 'Mutation') as Map;
}
