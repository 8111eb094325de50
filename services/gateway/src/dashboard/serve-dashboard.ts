import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The analysts' dashboard served by the gateway: its built files, and the settings the page reads first. */
export interface DashboardSettings {
  /** The folder of the dashboard's static build (`services/dashboard/dist`). */
  readonly root: string;
  /** Where it is served (default `/dashboard`). */
  readonly path?: string;
  /**
   * What `<path>/config.json` answers, asked for on every page load: the GraphQL endpoint and, in
   * the embedded mode only, the development identities to sign in with. Default `{ graphqlUrl }`.
   */
  readonly config?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** Serves the dashboard's build under its path, with `config.json` answered by the gateway. */
export function serveDashboard(app: FastifyInstance, settings: DashboardSettings, graphqlEndpoint: string): void {
  const path = (settings.path ?? '/dashboard').replace(/\/$/, '');
  app.get(`${path}/config.json`, async (_request, reply) => {
    const config = settings.config ? await settings.config() : {};
    // Never kept: in the embedded mode it carries freshly minted development tokens.
    return reply.header('cache-control', 'no-store').send({ graphqlUrl: graphqlEndpoint, ...config });
  });
  void app.register(fastifyStatic, {
    root: settings.root,
    prefix: path,
    // `/dashboard` answers with a redirect to `/dashboard/`, so the page's relative asset paths resolve.
    redirect: true,
    index: ['index.html'],
    // Vite names assets after a hash of their content: keep them for good; the page itself is revalidated.
    setHeaders: (reply, filePath) => {
      void reply.header('cache-control', /[\\/]assets[\\/]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
