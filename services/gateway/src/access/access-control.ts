import { Classification, ErrorCode, clearanceScopes, ownerOfPolicy, restrictedPolicy, type Caller } from '@antq/sdk';
import { GraphQLError } from 'graphql';
import type { GrantDirectory } from '@antq/subgraph-kit';
import { callerOfContext } from '../identity/caller-of-context.js';

interface ValidateParams {
  user: Caller | null | undefined;
  fieldNode: { name: { value: string } } & object;
  parentType: { name: string };
  fieldAuthArgs?: unknown;
  typeAuthArgs?: unknown;
  fieldScopes?: string[][];
  typeScopes?: string[][];
  fieldPolicies?: string[][];
  typePolicies?: string[][];
  userScopes: string[];
  userPolicies: string[];
  path: ReadonlyArray<string | number>;
}

/** The policies a caller holds: its own agency's, and with clearance RESTRICTED those of the agencies that granted it access. */
function callerPolicies(user: Caller, grants: GrantDirectory): string[] | Promise<string[]> {
  const own = restrictedPolicy(user.agency);
  if (user.clearance !== Classification.RESTRICTED) return [own];
  return grants.grantsFor(user.agency).then((held) => [own, ...new Set(held.map((grant) => restrictedPolicy(grant.owner)))]);
}

// Once per request: access control's walk and the key its verdict is kept under must read the
// same grants, even when a grant changes between the two.
const policiesByRequest = new WeakMap<object, string[] | Promise<string[]>>();

function requestPolicies(user: Caller, context: object, grants: GrantDirectory): string[] | Promise<string[]> {
  let policies = policiesByRequest.get(context);
  if (!policies) policiesByRequest.set(context, (policies = callerPolicies(user, grants)));
  return policies;
}

/**
 * What access control's decision on a request depends on about its caller, as text: signed in
 * or not, its clearance (the scopes it holds), its policies — the very policies access control
 * read for that request. Callers with the same key are let through or refused alike on the same
 * operation.
 */
export function callerAccessKey(user: Caller | undefined, context: object, grants: GrantDirectory): string | Promise<string> {
  if (!user) return 'anonymous';
  const key = (policies: string[]) => `${user.clearance}|${[...policies].sort().join(' ')}`;
  const policies = requestPolicies(user, context, grants);
  return Array.isArray(policies) ? key(policies) : policies.then(key);
}

const satisfied = (required: string[][] | undefined, held: string[]) => !required?.length || required.some((group) => group.every((item) => held.includes(item)));

/**
 * Lớp phân quyền ở cổng — the gateway's half of field classification, for Hive's generic-auth
 * plugin (`genericAuth`): scopes from the caller's clearance, policies from its agency and the
 * grants other agencies gave it — the caller as the SDK's parser reads it, as in the subgraphs. An operation that selects a field the caller may not see is
 * refused with a typed error per such field.
 */
export function accessControlOptions(grants: GrantDirectory) {
  return {
    mode: 'protect-granular' as const,
    // The whole operation is refused, each withheld field named: dropping fields can leave
    // selections empty, which the query planner cannot plan.
    rejectUnauthenticated: true,
    resolveUserFn: (context: unknown): Caller | null => callerOfContext(context) ?? null,
    extractScopes: (user: Caller | null) => (user ? clearanceScopes(user.clearance) : []),
    extractPolicies: (user: Caller | null, context: object) => (user ? requestPolicies(user, context, grants) : []),
    validateUser(params: ValidateParams): GraphQLError | undefined {
      const coordinate = `${params.parentType.name}.${params.fieldNode.name.value}`;
      const guarded =
        params.fieldAuthArgs || params.typeAuthArgs || params.fieldScopes?.length || params.typeScopes?.length || params.fieldPolicies?.length || params.typePolicies?.length;
      if (!guarded) return undefined;
      const error = (code: string, message: string, details: Record<string, unknown> = {}) =>
        new GraphQLError(message, { nodes: [params.fieldNode as never], path: params.path as (string | number)[], extensions: { code, field: coordinate, ...details } });
      if (!params.user) return error(ErrorCode.UNAUTHENTICATED, `${coordinate} needs a signed-in caller. Send "Authorization: Bearer <token>".`);
      const scopes = [...(params.typeScopes ?? []), ...(params.fieldScopes ?? [])];
      if (!satisfied(params.typeScopes, params.userScopes) || !satisfied(params.fieldScopes, params.userScopes)) {
        return error(ErrorCode.FORBIDDEN, `${coordinate} is classified ${scopes.map((group) => group.join(' and ')).join(' or ')}; the caller's clearance does not reach it.`, {
          clearance: params.user.clearance,
        });
      }
      if (!satisfied(params.typePolicies, params.userPolicies) || !satisfied(params.fieldPolicies, params.userPolicies)) {
        const owners = [...(params.typePolicies ?? []), ...(params.fieldPolicies ?? [])].flat().map((policy) => ownerOfPolicy(policy) ?? policy);
        return error(ErrorCode.FORBIDDEN, `${coordinate} is restricted to the ${[...new Set(owners)].join(', ')}. Ask the owning agency for a data-sharing grant.`, { owners });
      }
      return undefined;
    },
  };
}
