import { defineSubgraphConformance } from '@antq/testing';
import { createVeteransSubgraph } from '../src/index.js';

defineSubgraphConformance({
  agency: 'veterans',
  start: createVeteransSubgraph,
  modelKind: 'veterans_crime_shock_force',
  forceKind: 'veterans_shock_force',
  indicator: 'offenders_reintegrating_supported',
});
