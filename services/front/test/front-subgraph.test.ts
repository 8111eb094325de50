import { defineSubgraphConformance } from '@antq/testing';
import { createFrontSubgraph } from '../src/index.js';

defineSubgraphConformance({
  agency: 'front',
  start: createFrontSubgraph,
  modelKind: 'residential_area_camera',
  forceKind: 'self_management_group',
  indicator: 'health_insurance_cards_given',
});
