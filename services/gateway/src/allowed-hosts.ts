import { isIP } from 'node:net';

/**
 * Tên máy được phục vụ — which `Host` the gateway answers to. A page of another site can make its
 * own name resolve to the gateway's address (DNS rebinding) and then read it as if it were its own
 * origin, CORS or not: in the embedded mode that page would find the development tokens the
 * dashboard and GraphiQL hand out. An IP address cannot be rebound, and `localhost` names this
 * machine; any other name must be one the operator gave.
 */
export function createHostCheck(allowedHosts: readonly string[]): (host: string | undefined) => boolean {
  const named = new Set(allowedHosts.map((host) => host.toLowerCase()));
  return (host) => {
    if (host === undefined) return false;
    let hostname: string;
    try {
      hostname = new URL(`http://${host}`).hostname.toLowerCase();
    } catch {
      return false;
    }
    const bare = hostname.replace(/^\[(.*)\]$/, '$1');
    return isIP(bare) !== 0 || hostname === 'localhost' || hostname.endsWith('.localhost') || named.has(hostname);
  };
}

/** Host names from `ANTQ_ALLOWED_HOSTS` (comma-separated); undefined when unset. */
export function parseAllowedHosts(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return text
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
}

/** What a refused request is told. */
export function hostRefusal(host: string | undefined): string {
  return `This graph does not answer to the host name ${JSON.stringify(host ?? '')}: open it by its address or by localhost, or add the name to the gateway's allowed hosts (ANTQ_ALLOWED_HOSTS=<name>,… for the gateway and npm start).`;
}
