import type { Agency } from '@antq/sdk';
import { createGrantDirectory, type GrantDirectory } from '@antq/subgraph-kit';
import type { ChangeWatch } from '../response-cache/change-watch.js';

/** The outbox record kind of a grant made, changed or revoked. */
const GRANT_RECORD_KIND = 'access_grant';
/** How long grants are kept while some owner's outbox is not followed (its grants cannot be heard of). */
const UNFOLLOWED_TTL_MS = 2_000;

/**
 * The grant directory of a gateway: the owners are the agency subgraphs its supergraph names.
 * Grants are kept until the change watch hears a grant change in an owner's outbox, or a write
 * through this gateway (which may be one) — so a grant or revocation takes effect for the next
 * operation, through this gateway or any other.
 */
export function createGatewayGrantDirectory(options: { agencyUrls: Partial<Record<Agency, string>>; signingKey: string; watch: ChangeWatch }): GrantDirectory & { close(): void } {
  const owners = Object.keys(options.agencyUrls);
  const directory = createGrantDirectory({ owners: options.agencyUrls, signingKey: options.signingKey, ttlMs: Number.POSITIVE_INFINITY });
  let loadedAt = Date.now();
  const invalidate = () => {
    directory.invalidate();
    loadedAt = Date.now();
  };
  const unsubscribe = options.watch.onChange((_agency, recordKinds) => {
    if (!recordKinds || recordKinds.has(GRANT_RECORD_KIND)) invalidate();
  });
  return {
    grantsFor(grantee) {
      if (options.watch.stamp(owners) === undefined && Date.now() - loadedAt >= UNFOLLOWED_TTL_MS) invalidate();
      return directory.grantsFor(grantee);
    },
    invalidate,
    close: unsubscribe,
  };
}
