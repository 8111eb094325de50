import type { AreaRegistry } from '@antq/sdk/areas';
import type { Caller } from '@antq/subgraph-kit';
import type { ChangeHub } from '../change-hub.js';
import { AntqError, ErrorCode, encodeStreamCursor, readStreamCursor } from '@antq/sdk';
import { readChangeFilter, refuseUnfollowableCursor, startingCursor } from '../follow-changes.js';
import { generateWebhookSecret, MAX_SECRET_KEY_BYTES, MIN_LEGACY_SECRET_LENGTH, MIN_SECRET_KEY_BYTES, standardSecretKey, toStandardSecret } from './signature.js';
import type { WebhookDispatcher } from './webhook-delivery.js';
import type { WebhookDestinations } from './webhook-destinations.js';
import type { DeliveryRecord, StoredWebhookFilter, WebhookRecord, WebhookStore } from './webhook-store.js';
import type { MutationResolvers, QueryResolvers, Webhook, WebhookFilter } from '../generated/resolver-types.js';
import type { StreamContext } from '../resolver-parents.js';

const MAX_SECRET_LENGTH = 1_024;
const MAX_URL_LENGTH = 2_048;
const MAX_DELIVERIES_PAGE = 500;

export interface WebhookResolverOptions {
  readonly store: WebhookStore;
  readonly hub: ChangeHub;
  readonly registry: AreaRegistry;
  readonly dispatcher: WebhookDispatcher;
  readonly destinations: WebhookDestinations;
  /** Active webhooks an agency may hold at once: each is a worker following every change. */
  readonly maxActivePerAgency: number;
  /** Active webhooks one caller may register, so one officer cannot take the agency's room; its admins are bound by the agency's limit alone. */
  readonly maxActivePerCaller: number;
}

type Context = StreamContext;

/** A webhook as the schema shows it: never its secret, nor the claims it acts with. */
export function toWebhookObject(webhook: WebhookRecord): Webhook {
  return {
    id: webhook.id,
    url: webhook.url,
    filter: toFilterObject(webhook.filter),
    agency: webhook.agency,
    createdBy: webhook.createdBy,
    createdAt: webhook.createdAt,
    active: webhook.removedAt === null,
    deliveredThrough: webhook.deliveredThrough,
  };
}

function toFilterObject(filter: StoredWebhookFilter): WebhookFilter {
  return {
    area: filter.area ? { code: filter.area } : null,
    agencies: filter.agencies ?? null,
    recordKinds: filter.recordKinds ?? null,
    changes: filter.changes ?? null,
  };
}

const toDeliveryObject = (delivery: DeliveryRecord) => ({ ...delivery });

function requireCaller(ctx: Context): Caller {
  if (!ctx.caller) throw new AntqError(ErrorCode.UNAUTHENTICATED, 'Webhooks need a signed-in caller: deliveries act with its rights. Send a bearer token.');
  return ctx.caller;
}

/**
 * Who manages a webhook: the caller who registered it, and the admins of its agency. Any officer
 * of an agency may register one (it delivers what that officer may read); without this rule any
 * of them could also read the others' URLs (partners put credentials in them) and remove the
 * agency's partner deliveries.
 */
function manages(caller: Caller, webhook: WebhookRecord): boolean {
  return webhook.agency === caller.agency && (webhook.createdBy === caller.subject || caller.roles.includes('admin'));
}

const urlIssue = (message: string) => new AntqError(ErrorCode.BAD_USER_INPUT, `The webhook URL is not usable: ${message}`, { issues: [{ path: 'input.url', message }] });

/** The URL as stored, once its form is right and its host may receive deliveries (see `webhook-destinations.ts`). */
async function checkUrl(value: unknown, destinations: WebhookDestinations): Promise<string> {
  const url = parseUrl(value);
  const refused = await destinations.check(url);
  if (refused !== undefined) throw urlIssue(`${refused}. Give the partner's own address, or ask the operator to allow its network.`);
  return url.toString();
}

function parseUrl(value: unknown): URL {
  const issue = urlIssue;
  if (typeof value !== 'string' || value.trim() === '') throw issue('give the http(s) URL that will receive the deliveries.');
  const text = value.trim();
  if (text.length > MAX_URL_LENGTH) throw issue(`at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw issue(`"${text.slice(0, 80)}" is not an absolute URL; use one like https://partner.example/antq-hook.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw issue(`the scheme must be http or https, not ${url.protocol.replace(/:$/, '')}.`);
  return url;
}

/**
 * The secret deliveries are signed with: none given, a new one (returned once); a Standard
 * Webhooks `whsec_…` secret; or (deprecated, for partners registered before) one of their own.
 */
function checkSecret(value: unknown): string {
  if (value === undefined || value === null) return generateWebhookSecret();
  const refuse = (message: string) => new AntqError(ErrorCode.BAD_USER_INPUT, `The webhook secret is not usable: ${message}`, { issues: [{ path: 'input.secret', message }] });
  const howTo = `omit it and one is generated and returned once, or give a Standard Webhooks secret: whsec_ and ${MIN_SECRET_KEY_BYTES} to ${MAX_SECRET_KEY_BYTES} random bytes in base64 (e.g. \`echo whsec_$(openssl rand -base64 32)\`).`;
  if (typeof value !== 'string') throw refuse(howTo);
  if (value.startsWith('whsec_')) {
    if (!standardSecretKey(value)) throw refuse(`"whsec_…" is not a Standard Webhooks secret; ${howTo}`);
    return value;
  }
  if (value.length < MIN_LEGACY_SECRET_LENGTH || value.length > MAX_SECRET_LENGTH)
    throw refuse(`a secret of your own must be ${MIN_LEGACY_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters; better, ${howTo}`);
  return value;
}

/** A webhook the caller manages, or the error that says why not. */
async function managedWebhook(store: WebhookStore, caller: Caller, id: string): Promise<WebhookRecord> {
  const webhook = await store.get(id);
  if (!webhook) {
    throw new AntqError(ErrorCode.NOT_FOUND, `No Webhook with id "${id}". Check the id, or list the Webhook records with a query to find it.`, {
      details: { kind: 'Webhook', id },
    });
  }
  if (webhook.agency !== caller.agency) {
    throw new AntqError(
      ErrorCode.NOT_OWNING_AGENCY,
      `Only the ${webhook.agency} may change this Webhook; the caller belongs to the ${caller.agency}. Write to your own agency's records, or ask the ${webhook.agency} to make the change.`,
      { details: { owner: webhook.agency, callerAgency: caller.agency, kind: 'Webhook', id } },
    );
  }
  if (!manages(caller, webhook)) {
    throw new AntqError(
      ErrorCode.FORBIDDEN,
      `Only the caller who registered this Webhook (${webhook.createdBy}) or an admin of the ${webhook.agency} may see its deliveries or remove it.`,
      { details: { kind: 'Webhook', id } },
    );
  }
  return webhook;
}

/** Resolvers of Query.webhooks, Query.webhookDeliveries, Mutation.registerWebhook, Mutation.removeWebhook. */
export function createWebhookResolvers(options: WebhookResolverOptions) {
  const { store, hub, registry, dispatcher } = options;

  /** An agency, or a caller who is not its admin, at the limit of active webhooks registers no more until it removes one. */
  async function checkRoomFor(caller: Caller): Promise<void> {
    const active = await store.countActive(caller.agency, caller.subject);
    if (active.agency >= options.maxActivePerAgency) {
      throw new AntqError(
        ErrorCode.CONFLICT,
        `The ${caller.agency} already has ${active.agency} active webhooks, its limit: remove one it no longer uses (removeWebhook; the webhooks query lists them), or ask the operator to raise the limit.`,
        { details: { limit: options.maxActivePerAgency, active: active.agency } },
      );
    }
    if (active.caller >= options.maxActivePerCaller && !caller.roles.includes('admin')) {
      throw new AntqError(
        ErrorCode.CONFLICT,
        `You already have ${active.caller} active webhooks, the limit for one caller: remove one you no longer use (removeWebhook; the webhooks query lists yours), or ask an admin of the ${caller.agency} to register it.`,
        { details: { limit: options.maxActivePerCaller, active: active.caller } },
      );
    }
  }

  return {
    Query: {
      async webhooks(_, __, ctx) {
        const caller = requireCaller(ctx);
        return (await store.listByAgency(caller.agency)).filter((webhook) => manages(caller, webhook)).map(toWebhookObject);
      },
      async webhookDeliveries(_, args, ctx) {
        const caller = requireCaller(ctx);
        const first = args.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERIES_PAGE) {
          const message = `first must be between 1 and ${MAX_DELIVERIES_PAGE}.`;
          throw new AntqError(ErrorCode.BAD_USER_INPUT, message, { issues: [{ path: 'first', message }] });
        }
        const webhook = await managedWebhook(store, caller, args.webhookId);
        return (await store.deliveries(webhook.id, first)).map(toDeliveryObject);
      },
    },
    Mutation: {
      async registerWebhook(_, args, ctx) {
        const caller = requireCaller(ctx);
        const input = args.input ?? ({} as typeof args.input);
        const url = await checkUrl(input.url, options.destinations);
        await checkRoomFor(caller);
        const secret = checkSecret(input.secret);
        const filter = readChangeFilter(registry, input.filter);
        // Every agency's position, so a restart resumes each one where it stopped, not at "now".
        const after = input.after ? readStreamCursor(input.after) : { position: {}, marks: {} };
        await refuseUnfollowableCursor(hub, after);
        const start = startingCursor(hub, after);
        const webhook = await store.insert({
          agency: caller.agency,
          createdBy: caller.subject,
          url,
          secret,
          filter: {
            ...(filter.area ? { area: filter.area } : {}),
            ...(filter.agencies ? { agencies: [...filter.agencies].sort() } : {}),
            ...(filter.recordKinds ? { recordKinds: [...filter.recordKinds].sort() } : {}),
            ...(filter.changes ? { changes: [...filter.changes].sort() } : {}),
          },
          reader: {
            agency: caller.agency,
            organisation: caller.organisation,
            jurisdiction: caller.jurisdiction ?? null,
            roles: [...caller.roles],
            clearance: caller.clearance,
          },
          deliveredThrough: encodeStreamCursor(start.position, start.marks),
        });
        dispatcher.add(webhook);
        // The only answer that shows the secret, in the form any Standard Webhooks library takes.
        return { ...toWebhookObject(webhook), secret: toStandardSecret(webhook.secret) };
      },
      async removeWebhook(_, args, ctx) {
        const caller = requireCaller(ctx);
        await managedWebhook(store, caller, args.id);
        const removed = await store.remove(args.id);
        await dispatcher.remove(args.id);
        return toWebhookObject(removed!);
      },
    },
  } satisfies { Query: QueryResolvers; Mutation: MutationResolvers };
}
