export { startEmbeddedGraph, type EmbeddedGraph, type EmbeddedGraphOptions } from './start-embedded-graph.js';
export { DEVELOPMENT_TOKENS } from './development-tokens.js';
