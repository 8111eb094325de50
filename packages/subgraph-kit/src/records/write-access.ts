import { AntqError, ErrorCode, NATIONAL_JURISDICTION, jurisdictionCovers, type Agency } from '@antq/sdk';
import type { Caller } from '../identity/index.js';
import type { AreaScopes } from './area-scope.js';
import type { AreaRegistry } from '@antq/sdk/areas';

/** Roles that may write an agency's records. Analysts only read. */
export const WRITER_ROLES: readonly string[] = ['editor', 'admin'];

/**
 * Chỉ cơ quan sở hữu mới được ghi — only a caller of the owning agency, with a writer role,
 * whose jurisdiction covers the area (`"VN"`: the whole country), may write. A token without a
 * jurisdiction writes nowhere. Checked before anything is stored.
 */
export function requireWriter(ctx: { caller: Caller | undefined; scopes: AreaScopes; registry: AreaRegistry }, target: { agency: Agency; areaCode: string }): Caller {
  const { caller } = ctx;
  if (!caller) {
    throw new AntqError(ErrorCode.UNAUTHENTICATED, 'This write needs a signed-in caller. Send the request through the gateway with a bearer token.');
  }
  if (caller.agency !== target.agency) {
    throw new AntqError(
      ErrorCode.NOT_OWNING_AGENCY,
      `Only the ${target.agency} may write its records; the caller belongs to the ${caller.agency}. Write to your own agency's records, or ask the ${target.agency} to make the change.`,
      { details: { owner: target.agency, callerAgency: caller.agency } },
    );
  }
  if (!caller.roles.some((role) => WRITER_ROLES.includes(role))) {
    throw new AntqError(ErrorCode.FORBIDDEN, `Writing needs one of the roles ${WRITER_ROLES.join(', ')}; the caller has ${caller.roles.join(', ') || 'none'}.`, {
      details: { requiredRoles: WRITER_ROLES },
    });
  }
  const area = ctx.registry.require(target.areaCode);
  if (!jurisdictionCovers(caller.jurisdiction, area.code, (inner, outer) => ctx.scopes.covers(outer, inner))) {
    throw new AntqError(
      ErrorCode.FORBIDDEN,
      `Area ${area.code} (${area.fullName}) is outside the caller's jurisdiction ${caller.jurisdiction ?? '(none)'}. Only a caller whose jurisdiction covers the area (or "${NATIONAL_JURISDICTION}", the whole country) may write there.`,
      { details: { areaCode: area.code, jurisdiction: caller.jurisdiction ?? null } },
    );
  }
  return caller;
}
