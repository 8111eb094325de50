import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { css, editorWorkerService, favicon, graphqlWorker, js, jsonWorker } from '@graphql-yoga/render-graphiql/graphiql';

/**
 * GraphiQL without the internet — Yoga's GraphiQL, bundled in `@graphql-yoga/render-graphiql`
 * (the package Yoga's docs name for offline use), served as files of the gateway's own. Yoga's
 * default page loads its script, styles and editor workers from unpkg.com, which a government
 * network without internet cannot reach: the page stays blank. The package's own renderer inlines
 * all 9 MB into every page; served as files, a browser keeps them (their path carries a hash of the
 * bundle, so an upgrade is fetched anew) and a page is a few kilobytes.
 */
interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: string | Buffer;
}

/**
 * The page's own scripts, as files, so that its policy allows scripts of the gateway's alone
 * ('self', no 'unsafe-inline'): where Monaco finds its workers (beside this file), and the start,
 * which reads the page's options from a JSON block, a data block no policy runs.
 */
const MONACO_ENVIRONMENT = `const here = new URL('.', document.currentScript.src);
const workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => new URL(workers[label], here).href };
`;
const START = `YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), JSON.parse(document.getElementById('graphiql-options').textContent));
`;

const ASSETS: readonly Asset[] = [
  { name: 'monaco-environment.js', type: 'text/javascript; charset=utf-8', body: MONACO_ENVIRONMENT },
  { name: 'start.js', type: 'text/javascript; charset=utf-8', body: START },
  { name: 'graphiql.css', type: 'text/css; charset=utf-8', body: css },
  { name: 'yoga-graphiql.js', type: 'text/javascript; charset=utf-8', body: js },
  { name: 'editor.worker.js', type: 'text/javascript; charset=utf-8', body: editorWorkerService },
  { name: 'json.worker.js', type: 'text/javascript; charset=utf-8', body: jsonWorker },
  { name: 'graphql.worker.js', type: 'text/javascript; charset=utf-8', body: graphqlWorker },
  { name: 'favicon.ico', type: 'image/x-icon', body: Buffer.from(favicon.replace(/^data:[^,]*;base64,/, ''), 'base64') },
];

/** Where the assets are served: a hash of the bundle in the path, so they can be kept for good. */
export const GRAPHIQL_ASSET_BASE = `/graphiql-assets/${createHash('sha256').update(js).update(css).update(MONACO_ENVIRONMENT).update(START).digest('hex').slice(0, 12)}`;

/** Serves the GraphiQL assets from the gateway. */
export function serveGraphiQLAssets(app: FastifyInstance): void {
  for (const asset of ASSETS) {
    app.get(`${GRAPHIQL_ASSET_BASE}/${asset.name}`, async (_request, reply) =>
      reply.header('content-type', asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body),
    );
  }
}

/** JSON safe inside a <script> data block: no `</script>` or `<!--` can end it early. */
const scriptJson = (value: unknown): string => JSON.stringify(value ?? {}).replace(/</g, '\\u003c');
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The runtime's `renderGraphiQL`: the page of the package's renderer, with its assets as URLs. */
export function renderOfflineGraphiQL(options: { title?: string } & Record<string, unknown>): string {
  const base = GRAPHIQL_ASSET_BASE;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${base}/favicon.ico" />
    <link rel="stylesheet" href="${base}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script type="application/json" id="graphiql-options">${scriptJson(options)}</script>
    <script src="${base}/monaco-environment.js"></script>
    <script src="${base}/yoga-graphiql.js"></script>
    <script src="${base}/start.js"></script>
  </body>
</html>
`;
}
