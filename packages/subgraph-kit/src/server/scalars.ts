import { GraphQLError, GraphQLScalarType, Kind, parse, print, type DocumentNode, type GraphQLFieldResolver, type ValueNode } from 'graphql';
import { resolvers as scalarLibrary } from 'graphql-scalars';

/* eslint-disable @typescript-eslint/no-explicit-any -- the map takes resolvers of any parent and argument types, as GraphQLResolverMap does */
/**
 * The resolver map `buildSubgraphSchema` takes (the shape of `@apollo/subgraph`'s
 * `GraphQLResolverMap`): per type, field resolvers (or `{ resolve, subscribe }`) and
 * `__resolveReference`; scalars as `GraphQLScalarType`; enums as value maps.
 */
export interface SubgraphResolvers<TContext = any> {
  [typeName: string]:
    | {
        [fieldName: string]:
          | GraphQLFieldResolver<any, TContext, any>
          | {
              requires?: string;
              resolve?: GraphQLFieldResolver<any, TContext, any>;
              subscribe?: GraphQLFieldResolver<any, TContext, any>;
            };
      }
    | GraphQLScalarType
    | { [enumValue: string]: string | number };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

/** Whether `text` is a real calendar day `YYYY-MM-DD` (no 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day;
}

function isDateTime(text: string): boolean {
  const match = ISO_DATE_TIME.exec(text);
  return match !== null && isCalendarDate(match[1] as string) && !Number.isNaN(Date.parse(text));
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function literalText(node: ValueNode): string {
  return print(node);
}

/** `Date` — a calendar date `YYYY-MM-DD`, kept as a string (the SDK's representation). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && isCalendarDate(value)) return value;
    throw new GraphQLError(`Date cannot represent ${describe(value)}: expected a calendar date YYYY-MM-DD.`);
  },
  parseValue(value) {
    if (typeof value === 'string' && isCalendarDate(value)) return value;
    throw new GraphQLError(`Expected a calendar date YYYY-MM-DD, such as "2025-07-01"; got ${describe(value)}.`);
  },
  parseLiteral(node) {
    if (node.kind === Kind.STRING && isCalendarDate(node.value)) return node.value;
    throw new GraphQLError(`Expected a calendar date YYYY-MM-DD, such as "2025-07-01"; got ${literalText(node)}.`, { nodes: node });
  },
});

/** `DateTime` — an RFC 3339 instant with its offset, kept as the string that was sent. */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'A point in time, ISO 8601 with offset.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    if (typeof value === 'string' && isDateTime(value)) return value;
    throw new GraphQLError(`DateTime cannot represent ${describe(value)}: expected an ISO 8601 time with offset.`);
  },
  parseValue(value) {
    if (typeof value === 'string' && isDateTime(value)) return value;
    throw new GraphQLError(`Expected an ISO 8601 time with offset, such as "2025-07-01T08:00:00+07:00"; got ${describe(value)}.`);
  },
  parseLiteral(node) {
    if (node.kind === Kind.STRING && isDateTime(node.value)) return node.value;
    throw new GraphQLError(`Expected an ISO 8601 time with offset, such as "2025-07-01T08:00:00+07:00"; got ${literalText(node)}.`, {
      nodes: node,
    });
  },
});

/**
 * `Vnd` — an amount of Vietnamese đồng: a whole number within ±(2^53−1), never a float.
 * Mirrors graphql-scalars' `SafeInt`, under its own name and stricter on output (no booleans,
 * no numeric strings).
 */
export const VndScalar = new GraphQLScalarType<number, number>({
  name: 'Vnd',
  description: 'An amount of Vietnamese đồng: a whole number within ±(2^53−1), never a float.',
  specifiedByURL: 'https://tc39.es/ecma262/#sec-number.issafeinteger',
  serialize(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(value);
    throw new GraphQLError(`Vnd cannot represent ${describe(typeof value === 'bigint' ? value.toString() : value)}: expected a whole number of đồng within ±(2^53−1).`);
  },
  parseValue(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw new GraphQLError(`Expected a whole number of đồng within ±(2^53−1), such as 250000000; got ${describe(value)}.`);
  },
  parseLiteral(node) {
    if (node.kind === Kind.INT) {
      const amount = Number(node.value);
      if (Number.isSafeInteger(amount)) return amount;
    }
    throw new GraphQLError(`Expected a whole number of đồng within ±(2^53−1), such as 250000000; got ${literalText(node)}.`, { nodes: node });
  },
});

/** The scalars ANTQ schemas declare, by name. */
export const antqScalars: Readonly<Record<string, GraphQLScalarType>> = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Vnd: VndScalar,
};

/** The scalar names a schema document declares (definitions and extensions). */
function declaredScalars(document: DocumentNode): string[] {
  const names: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION || definition.kind === Kind.SCALAR_TYPE_EXTENSION) {
      names.push(definition.name.value);
    }
  }
  return names;
}

/**
 * Adds a scalar implementation for every scalar the SDL declares and `resolvers` does not
 * already implement: `Date`, `DateTime` and `Vnd` from {@link antqScalars}, any other name from
 * graphql-scalars (`EmailAddress`, `URL`, `SafeInt` …). Returns a new resolver map.
 */
export function attachScalarResolvers<TContext>(typeDefs: string | DocumentNode, resolvers: SubgraphResolvers<TContext>): SubgraphResolvers<TContext> {
  const document = typeof typeDefs === 'string' ? parse(typeDefs) : typeDefs;
  const attached: SubgraphResolvers<TContext> = { ...resolvers };
  for (const name of declaredScalars(document)) {
    if (attached[name] !== undefined) continue;
    const scalar = antqScalars[name] ?? scalarLibrary[name];
    if (scalar !== undefined) attached[name] = scalar;
  }
  return attached;
}
