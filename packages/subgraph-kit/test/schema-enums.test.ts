import { readFile } from 'node:fs/promises';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_ENUM_VALUES } from '../src/records/schema-enums.js';

/** Enums whose SDL values are the codes themselves, or still converted by their resolver. */
const NOT_MAPPED = new Set(['ComplexAreaList', 'ChangeDirection']);

describe('the enums of the agency contracts', () => {
  it.each(['police', 'front', 'veterans', 'youth'])('%s: every enum value has the SDK code as its internal value', async (agency) => {
    const sdl = await readFile(new URL(`../../../schema/${agency}.graphql`, import.meta.url), 'utf8');
    const enums = parse(sdl).definitions.filter((definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION);
    expect(enums.length).toBeGreaterThan(0);
    const mapped = SCHEMA_ENUM_VALUES as Readonly<Record<string, Readonly<Record<string, string>>>>;
    for (const definition of enums) {
      if (NOT_MAPPED.has(definition.name.value)) continue;
      const values = mapped[definition.name.value];
      expect(values, `enum ${definition.name.value}`).toBeDefined();
      const names = (definition.values ?? []).map((value) => value.name.value);
      expect(Object.keys(values!).sort(), `enum ${definition.name.value}`).toEqual([...names].sort());
      for (const name of names) expect(values![name]).toBe(name.toLowerCase());
    }
  });
});
