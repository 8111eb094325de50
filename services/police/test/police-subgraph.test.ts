import { defineSubgraphConformance } from '@antq/testing';
import { createPoliceSubgraph } from '../src/index.js';

defineSubgraphConformance({
  agency: 'police',
  start: createPoliceSubgraph,
  modelKind: 'safe_boarding_house',
  forceKind: 'grassroots_security_team',
  indicator: 'criminal_offences',
});
