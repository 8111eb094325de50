import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Nơi nhận webhook — where webhooks may deliver. A webhook's URL is any signed-in caller's
 * choice, and the stream POSTs to it from inside the agencies' network: unguarded, a URL naming an
 * internal address (a cloud's metadata service, a database's port, an admin page) would have the
 * stream call it, and the delivery log would tell the caller what answered there.
 *
 * Public addresses are allowed. The networks below are refused unless an operator allows them: a
 * closed network's partner systems (`10.20.0.0/16`), a receiver on this machine in development
 * (`127.0.0.1`). The check runs when a webhook is registered and again on every delivery's own
 * connection, so a name that resolves elsewhere later (DNS rebinding) is refused too.
 */
const INTERNAL_NETWORKS: readonly (readonly [what: string, blocks: readonly string[]])[] = [
  ['a loopback address', ['127.0.0.0/8', '::1/128']],
  ['an unspecified address', ['0.0.0.0/8', '::/128']],
  ['a link-local address (where cloud metadata services answer)', ['169.254.0.0/16', 'fe80::/10']],
  ['a private network address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['a shared address (carrier-grade NAT)', ['100.64.0.0/10']],
  ['a multicast address', ['224.0.0.0/4', 'ff00::/8']],
  ['a reserved address', ['240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15']],
];

/** The environment variable of the networks an operator allows (read by the services' entry points). */
export const ALLOWED_NETWORKS_ENV = 'ANTQ_WEBHOOK_ALLOWED_NETWORKS';

export interface WebhookDestinationOptions {
  /** Networks webhooks may deliver to although they are internal: CIDR blocks or single addresses. */
  readonly allowedNetworks?: readonly string[];
}

export interface WebhookDestinations {
  /** Why webhooks may not deliver to this address, or undefined when they may. */
  refusal(address: string): string | undefined;
  /** Why the address written in a URL is refused; undefined for an allowed one and for a name, which `lookup` checks as it resolves (Node never looks an address up). */
  addressRefusal(url: URL): string | undefined;
  /** Why a URL's host may not receive deliveries as it resolves now; undefined when it may, or when it does not resolve yet. */
  check(url: URL): Promise<string | undefined>;
  /** `dns.lookup` without the refused addresses, failing when none is left: the delivery's connection uses it. */
  readonly lookup: LookupFunction;
}

/** Thrown (through `lookup`) when a host resolves only to refused addresses. */
export class WebhookDestinationRefused extends Error {
  override readonly name = 'WebhookDestinationRefused';
}

function addBlock(list: BlockList, block: string): boolean {
  const [address = '', prefix] = block.split('/');
  const type = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : undefined;
  if (!type) return false;
  if (prefix === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (type === 'ipv4' ? 32 : 128)) return false;
  list.addSubnet(address, bits, type);
  return true;
}

/** Adds an allowed network, or throws saying how to write one. */
function allow(list: BlockList, entry: string): void {
  if (!addBlock(list, entry)) {
    throw new Error(`${ALLOWED_NETWORKS_ENV}: "${entry}" is not a network; write addresses or CIDR blocks separated by commas, e.g. 10.20.0.0/16,127.0.0.1`);
  }
}

/** Reads `10.20.0.0/16, 127.0.0.1` as the networks to allow; throws naming an entry that is not one. */
export function parseAllowedNetworks(text: string | undefined): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) allow(new BlockList(), entry);
  return entries;
}

const ipType = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

export function createWebhookDestinations(options: WebhookDestinationOptions = {}): WebhookDestinations {
  const allowed = new BlockList();
  for (const entry of options.allowedNetworks ?? []) allow(allowed, entry.trim());
  const internal = INTERNAL_NETWORKS.map(([what, blocks]) => {
    const list = new BlockList();
    for (const block of blocks) addBlock(list, block);
    return [what, list] as const;
  });

  const refusal = (address: string): string | undefined => {
    if (isIP(address) === 0) return `${address} is not an IP address`;
    const type = ipType(address);
    if (allowed.check(address, type)) return undefined;
    const what = internal.find(([, list]) => list.check(address, type))?.[0];
    return what === undefined ? undefined : `${address} is ${what}; deliveries go to public addresses and to the networks in ${ALLOWED_NETWORKS_ENV}`;
  };

  const resolve = (hostname: string, family: number) =>
    new Promise<LookupAddress[]>((done, fail) => dnsLookup(hostname, { all: true, family }, (error, addresses) => (error ? fail(error) : done(addresses))));

  /** The addresses of `hostname` (of one IP family, or 0 for both) webhooks may reach, or why there is none. */
  const reachable = async (hostname: string, family = 0): Promise<LookupAddress[] | string> => {
    const addresses = await resolve(hostname, family);
    const open = addresses.filter((entry) => refusal(entry.address) === undefined);
    return open.length > 0 ? open : `${hostname} resolves to ${refusal(addresses[0]!.address)}`;
  };

  const lookup: LookupFunction = (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    reachable(hostname, family).then(
      (found) => {
        if (typeof found === 'string') return callback(new WebhookDestinationRefused(found), '', 0);
        if (options.all) return callback(null, found);
        return callback(null, found[0]!.address, found[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  /** The host of a URL as an address or a name (an IPv6 address without its brackets). */
  const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addressRefusal = (url: URL) => (isIP(hostOf(url)) === 0 ? undefined : refusal(hostOf(url)));

  return {
    refusal,
    addressRefusal,
    lookup,
    async check(url) {
      const host = hostOf(url);
      if (isIP(host) !== 0) return refusal(host);
      // A name that does not resolve yet is left to the deliveries, which check it as they connect.
      const found = await reachable(host).catch(() => undefined);
      return typeof found === 'string' ? found : undefined;
    },
  };
}

/**
 * The deliveries' own connection pools, whose every new connection looks its host up through the
 * policy: a kept-alive connection is never one the policy did not admit (the process's global
 * agents are shared with code under other rules).
 */
export interface DeliveryConnections {
  readonly destinations: WebhookDestinations;
  agentFor(url: URL): HttpAgent;
  close(): void;
}

export function createDeliveryConnections(destinations: WebhookDestinations): DeliveryConnections {
  const options = { keepAlive: true, lookup: destinations.lookup };
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  return {
    destinations,
    agentFor: (url) => (url.protocol === 'https:' ? https : http),
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
