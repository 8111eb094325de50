import { describe, expect, it } from 'vitest';
import {
  COMPLEX_AREA_PROBLEM_TYPES,
  FUNDING_SOURCES,
  isCodeOf,
  MODEL_STATUSES,
  MOVEMENT_RATING_CLASSES,
  RECORD_KINDS,
  REPLICATION_SITE_KINDS,
  RESIDENTIAL_AREA_KINDS,
  RESOURCE_KINDS,
  SAFETY_UNIT_KINDS,
  TRANSFORMATION_OUTCOMES,
} from './labelled-enums.js';

const ALL = {
  MODEL_STATUSES,
  FUNDING_SOURCES,
  MOVEMENT_RATING_CLASSES,
  COMPLEX_AREA_PROBLEM_TYPES,
  TRANSFORMATION_OUTCOMES,
  SAFETY_UNIT_KINDS,
  RESIDENTIAL_AREA_KINDS,
  RESOURCE_KINDS,
  REPLICATION_SITE_KINDS,
  RECORD_KINDS,
};

describe('labelled enumerations', () => {
  it.each(Object.entries(ALL))('%s has snake_case codes with both labels', (_name, record) => {
    for (const [code, label] of Object.entries(record)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
      expect(label.vi.trim()).not.toBe('');
      expect(label.en.trim()).not.toBe('');
    }
  });

  it('labels the movement classes as the regulation words them', () => {
    expect(Object.values(MOVEMENT_RATING_CLASSES).map((l) => l.vi)).toEqual(['Xuất sắc', 'Khá', 'Trung bình', 'Yếu']);
  });

  it('has the resources the articles count', () => {
    for (const kind of ['camera', 'high_mounted_camera', 'base', 'alarm_bell', 'gong', 'barrier']) {
      expect(isCodeOf(RESOURCE_KINDS, kind), kind).toBe(true);
    }
  });

  it('guards codes without matching inherited properties', () => {
    expect(isCodeOf(MODEL_STATUSES, 'active')).toBe(true);
    expect(isCodeOf(MODEL_STATUSES, 'toString')).toBe(false);
    expect(isCodeOf(MODEL_STATUSES, undefined)).toBe(false);
    expect(isCodeOf(RESIDENTIAL_AREA_KINDS, 'to_dan_pho')).toBe(true);
  });
});
