import usePrometheus from '@graphql-mesh/plugin-prometheus';
import type { Registry } from 'prom-client';
import { isSubscription } from '../operation-fields.js';

/**
 * What /metrics reports. Left out: the per-request summary (quantiles computed on every
 * observation, a second copy of the duration histogram), the deprecated-field counter (a walk of
 * every document with type info) and context-building timings.
 */
const PROMETHEUS_METRICS = {
  graphql_envelop_request: true,
  // Latencies of queries and mutations: a subscription's "duration" is how long a partner stayed
  // connected (hours), which would fill the top bucket and hide the latency these histograms watch.
  graphql_envelop_request_duration: ['execute'] as ['execute'],
  graphql_envelop_phase_parse: true,
  graphql_envelop_phase_validate: true,
  graphql_envelop_phase_execute: true,
  graphql_envelop_phase_subscribe: false,
  graphql_envelop_error_result: true,
  graphql_yoga_http_duration: true,
  graphql_gateway_fetch_duration: true,
  graphql_gateway_subgraph_execute_duration: true,
  graphql_gateway_subgraph_execute_errors: true,
  // The plugin's defaults switch these on; what is not named false here stays on.
  graphql_envelop_request_time_summary: false,
  graphql_envelop_deprecated_field: false,
  graphql_envelop_phase_context: false,
  graphql_envelop_execute_resolver: false,
} as const;

/**
 * Labels of /metrics: only what the server knows. The plugins' defaults also label by the
 * client's operation name, the error path (its aliases) and the request URL (a GET's whole
 * query): every new name a client sends would be a new series, growing memory and every scrape.
 */
const PROMETHEUS_LABELS = {
  operationName: false,
  path: false,
  url: false,
  fetchRequestHeaders: false,
  fetchResponseHeaders: false,
};

/**
 * Prometheus metrics of the runtime in the gateway's own registry, served by its /metrics route
 * (not the plugin's). The subgraph calls' duration and errors leave out subscriptions: their
 * "duration" is a partner's connection, and the plugin would pass every event of every
 * subscriber through a layer of its own to look for errors (about 6 % of the change stream's
 * CPU per event at 2,000 subscribers). A subscription still counts as a request, and its errors
 * as error results.
 */
export function useMetrics(registry: Registry, log: Parameters<typeof usePrometheus>[0]['log']) {
  const plugin = usePrometheus({ registry, endpoint: false, metrics: PROMETHEUS_METRICS, labels: PROMETHEUS_LABELS, log });
  const { onSubgraphExecute } = plugin;
  if (!onSubgraphExecute) return plugin;
  return {
    ...plugin,
    onSubgraphExecute: (payload: Parameters<typeof onSubgraphExecute>[0]) => (isSubscription(payload.executionRequest) ? undefined : onSubgraphExecute(payload)),
  };
}
