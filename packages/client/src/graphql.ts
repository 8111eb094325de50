import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.js';

/**
 * Writes an operation of the ANTQ Graph API and types it: `graphql('{ area(code: "28159") { name } }')`
 * gives a document whose result and variables types come from the gateway's API schema
 * (gql.tada: types inferred from the document text by TypeScript, nothing generated per operation).
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    /** A calendar date, YYYY-MM-DD. */
    Date: string;
    /** An ISO 8601 instant with offset. */
    DateTime: string;
    /** An amount in Vietnamese đồng, a safe integer. */
    Vnd: number;
  };
}>();
