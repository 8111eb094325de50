import type { Caller } from '@antq/subgraph-kit';

/* What the stream's generated resolver types (src/generated/resolver-types.ts) import. */

/** The internal values of the schema's Agency enum: the SDK's codes (see the kit's SCHEMA_ENUM_VALUES). */
export type { Agency } from '@antq/sdk';

/** What every resolver of the stream receives. */
export interface StreamContext {
  readonly caller?: Caller | undefined;
}
