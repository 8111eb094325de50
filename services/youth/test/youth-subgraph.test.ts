import { defineSubgraphConformance } from '@antq/testing';
import { createYouthSubgraph } from '../src/index.js';

defineSubgraphConformance({
  agency: 'youth',
  start: createYouthSubgraph,
  modelKind: 'law_awareness_club',
  forceKind: 'youth_volunteer_team',
  indicator: 'youth_club_members',
});
