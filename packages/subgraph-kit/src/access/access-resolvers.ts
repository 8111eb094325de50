import { randomUUID } from 'node:crypto';
import { AntqError, ErrorCode, NATIONAL_JURISDICTION, jurisdictionCovers, requireAgency, validateAccessGrantInput, type Agency } from '@antq/sdk';
import { appendChange } from '../outbox/index.js';
import type { AgencyContext } from '../records/agency-context.js';
import { forAgency, type TemplateResolvers } from '../records/agency-names.js';
import { writeOnce } from '../records/idempotent-writes.js';
import type { SqlExecutor } from '../storage/index.js';
import { isActiveGrant, type AccessGrant, type AccessGrantStore } from './access-grants.js';

/**
 * Only an administrator of the owning agency, within its jurisdiction, grants or revokes. A
 * national grant (no area) needs the national jurisdiction "VN"; a token without a
 * jurisdiction claim grants nothing.
 */
function requireGrantor(ctx: AgencyContext, owner: Agency, areaCode: string | null) {
  const { caller } = ctx;
  if (!caller) throw new AntqError(ErrorCode.UNAUTHENTICATED, 'Granting access needs a signed-in caller.');
  if (caller.agency !== owner) {
    throw new AntqError(ErrorCode.NOT_OWNING_AGENCY, `Only the ${owner} grants access to its data; the caller belongs to the ${caller.agency}.`, {
      details: { owner, callerAgency: caller.agency },
    });
  }
  if (!caller.roles.includes('admin')) {
    throw new AntqError(ErrorCode.FORBIDDEN, `Granting access needs the admin role; the caller has ${caller.roles.join(', ') || 'none'}.`, {
      details: { requiredRoles: ['admin'] },
    });
  }
  if (!jurisdictionCovers(caller.jurisdiction, areaCode, (inner, outer) => ctx.scopes.covers(outer, inner))) {
    const held = caller.jurisdiction ?? '(none)';
    throw new AntqError(
      ErrorCode.FORBIDDEN,
      caller.jurisdiction === undefined
        ? `Granting access needs a jurisdiction; the caller's token has none. Ask your identity provider for a token with a "jurisdiction" claim covering the area ("${NATIONAL_JURISDICTION}" for the whole country).`
        : areaCode === null
          ? `A national grant needs a national administrator (jurisdiction "${NATIONAL_JURISDICTION}"); the caller's jurisdiction is ${held}. Grant for an area within it instead.`
          : `Area ${areaCode} is outside the caller's jurisdiction ${held}. Grant for an area within it, or ask an administrator of that area.`,
      { details: { jurisdiction: caller.jurisdiction ?? null, areaCode } },
    );
  }
  return caller;
}

/** A DateTime argument (a `Date` from the scalar, or text) as ISO text for the SDK's validation. */
function isoTime(value: unknown): unknown {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : (value ?? undefined);
}

/** Query and mutation resolvers for an agency's data-sharing grants. */
export function createAccessGrantResolvers(agency: Agency, store: AccessGrantStore) {
  const grantChange = (grant: AccessGrant, change: 'created' | 'retired') => ({
    agency,
    recordKind: 'access_grant',
    recordId: grant.id,
    change,
    areaCode: grant.areaCode ?? '',
    payload: grant,
  });
  // A retry with the same Idempotency-Key answers the grant as it is now.
  const reload = async (db: SqlExecutor, id: string) => (await store.list(db, { activeOnly: false })).find((grant) => grant.id === id);

  const resolvers = {
    Query: {
      templateAccessGrants: (_, args, ctx) => {
        if (ctx.caller?.agency !== agency) {
          throw new AntqError(ErrorCode.NOT_OWNING_AGENCY, `Only the ${agency} lists the grants of its data.`, { details: { owner: agency } });
        }
        return store.list(ctx.storage, { activeOnly: args.includeInactive !== true });
      },
      // Reached only by the gateway: the field is @inaccessible in the supergraph.
      _templateActiveGrants: (_, args, ctx) => store.list(ctx.storage, { grantee: args.grantee, activeOnly: true }),
    },
    Mutation: {
      grantTemplateAccess: async (_, args, ctx, info) => {
        const { input } = args;
        const valid = validateAccessGrantInput(
          {
            grantee: input.grantee,
            areaCode: input.areaCode ?? undefined,
            validFrom: isoTime(input.validFrom),
            validUntil: isoTime(input.validUntil),
            note: input.note ?? undefined,
          },
          { agency, areas: ctx.registry },
        );
        const areaCode = valid.areaCode ?? null;
        const caller = requireGrantor(ctx, agency, areaCode);
        const validFrom = valid.validFrom === undefined ? new Date() : new Date(valid.validFrom);
        const validUntil = new Date(valid.validUntil);
        const write = async (tx: SqlExecutor) => {
          const grant = await store.create(tx, {
            id: `${agency}-grant-${randomUUID()}`,
            grantee: valid.grantee,
            areaCode,
            validFrom,
            validUntil,
            grantedBy: caller.subject,
            note: valid.note ?? null,
          });
          await appendChange(tx, grantChange(grant, 'created'));
          return grant;
        };
        return writeOnce(ctx, { field: info.fieldName, args, write, reload });
      },
      revokeTemplateAccessGrant: async (_, args, ctx, info) => {
        const [existing] = (await store.list(ctx.storage, { activeOnly: false })).filter((grant) => grant.id === args.id);
        if (!existing) throw new AntqError(ErrorCode.NOT_FOUND, `No grant "${args.id}" of the ${agency}. List them with ${agency}AccessGrants.`, { details: { id: args.id } });
        const caller = requireGrantor(ctx, agency, existing.areaCode);
        const write = async (tx: SqlExecutor) => {
          const grant = (await store.revoke(tx, existing.id, caller.subject))!;
          await appendChange(tx, grantChange(grant, 'retired'));
          return grant;
        };
        return writeOnce(ctx, { field: info.fieldName, args, write, reload });
      },
    },
    AccessGrant: {
      area: (grant) => (grant.areaCode ? { code: grant.areaCode } : null),
      active: (grant) => isActiveGrant(grant),
    },
  } satisfies TemplateResolvers;
  // Written for the placeholder agency (templateAccessGrants …); served under the agency's names.
  return forAgency(resolvers, requireAgency(agency));
}
