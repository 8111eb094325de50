/**
 * The packages published to npm, and what a user must be able to do with each once installed.
 * Adding a published package is one entry here (and its name in this workspace's devDependencies,
 * so the build runs before this check); the test fails for a public workspace missing from the list.
 */

/** A call through one entry point, run in an ESM and a CommonJS file of an empty project. */
export interface Probe {
  /** The specifier a user writes, e.g. `@antq/sdk/areas`. */
  readonly entry: string;
  /** A JavaScript expression over the entry's namespace `m` (it may use `await`). */
  readonly expression: string;
  /** Its value, compared as JSON. */
  readonly expected: unknown;
}

/** A command the package installs (`bin`), run through `npx --no-install`. */
export interface BinProbe {
  readonly name: string;
  readonly args: readonly string[];
  /** Text its stdout must contain. */
  readonly prints: string;
}

export interface PublishedPackage {
  readonly name: string;
  readonly probes: readonly Probe[];
  readonly bin?: BinProbe;
}

export const PUBLISHED_PACKAGES: readonly PublishedPackage[] = [
  {
    name: '@antq/sdk',
    probes: [
      { entry: '@antq/sdk', expression: "m.formatPeriod(m.previousPeriod(m.parsePeriod('2025-Q1')))", expected: '2024-Q4' },
      // The registry data is a lazily loaded chunk: this proves it ships and loads in both module systems.
      { entry: '@antq/sdk/areas', expression: "(await m.loadAreaRegistry()).get('28168', { on: '2025-03-01' })?.fullName", expected: 'Xã Long Hậu' },
    ],
  },
  {
    name: '@antq/client',
    probes: [
      { entry: '@antq/client', expression: "m.graphql('query Area($code: ID!) { area(code: $code) { name } }').definitions[0].name.value", expected: 'Area' },
      { entry: '@antq/client', expression: "m.createAntqClient({ url: 'http://127.0.0.1:9/graphql' }).url", expected: 'http://127.0.0.1:9/graphql' },
      {
        entry: '@antq/client',
        expression:
          "(() => { try { m.verifyWebhook({ secret: 'whsec_' + btoa('0123456789abcdef0123456789abcdef'), headers: {}, body: '{}' }); return 'accepted'; } catch (error) { return error.name; } })()",
        expected: 'WebhookVerificationError',
      },
    ],
  },
  {
    name: '@antq/subgraph-kit',
    probes: [
      { entry: '@antq/subgraph-kit', expression: 'typeof m.createAgencySubgraph', expected: 'function' },
      { entry: '@antq/subgraph-kit', expression: "/type PoliceModel\\b/.test(m.buildAgencyContract('police'))", expected: true },
    ],
  },
  {
    name: '@antq/cli',
    probes: [{ entry: '@antq/cli', expression: 'typeof m.runCli', expected: 'function' }],
    bin: { name: 'antq', args: ['--help'], prints: 'antq' },
  },
];
