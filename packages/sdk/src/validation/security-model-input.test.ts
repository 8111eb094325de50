import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { isRecordId } from './fields.js';
import { validateSecurityModelInput, validateSecurityModelPatch } from './security-model-input.js';
import { thrownAntqError as failure } from '../testing/thrown-antq-error.js';

const random = () => Math.random().toString(36).slice(2, 10);
const randomCommune = () => String(10_000 + Math.floor(Math.random() * 89_999));

/** Mỹ Lộc's camera model (seed 000), with random values where they do not matter. */
function cameraModel() {
  const areaCode = randomCommune();
  return {
    kind: 'security_camera',
    name: `Camera an ninh ${random()}`,
    status: 'active',
    areaCode,
    startedOn: '2016-05-01',
    resources: [{ kind: 'camera', quantity: 150 }],
    funding: [{ amountVnd: 630_000_000 + Math.floor(Math.random() * 1000), source: 'community', atLeast: true }],
    commendations: [{ by: 'Công an huyện Cần Giuộc', amountVnd: 2_000_000, year: 2017 }],
    replication: { areaCodes: [areaCode.slice(0, 2)], sites: 3, siteKind: 'residential_area' },
    linkedRecords: [{ agency: 'front', kind: 'security_model', id: random() }],
    sources: [{ title: '000_a7ea2bf832c86f30', date: '2017-04-11', url: 'https://example.org/a' }],
  } as const;
}

describe('validateSecurityModelInput', () => {
  it('returns a good input as it was given', () => {
    const input = cameraModel();
    expect(validateSecurityModelInput(input)).toEqual(input);
  });

  it('accepts the models of every agency with their own organisations', () => {
    const base = cameraModel();
    expect(validateSecurityModelInput({ ...base, kind: 'zalo_crime_reporting', organisation: 'womens_union' }, { agency: 'front' }).organisation).toBe('womens_union');
    expect(validateSecurityModelInput({ ...base, kind: 'law_awareness_club', agency: 'youth', organisation: 'youth_union' }).agency).toBe('youth');
  });

  it('treats null optional fields as absent, as GraphQL hands them over', () => {
    const input = { ...cameraModel(), description: null, endedOn: null, replication: null };
    const parsed = validateSecurityModelInput(input);
    expect('description' in parsed).toBe(false);
    expect(parsed.replication).toBeUndefined();
  });

  it('refuses VND that is a float, a string or negative, naming the field', () => {
    const input = {
      ...cameraModel(),
      funding: [
        { amountVnd: 1.5, source: 'community' },
        { amountVnd: '630000000', source: 'community' },
        { amountVnd: -1, source: 'police' },
        { amountVnd: 2 ** 53, source: 'police' },
      ],
    };
    const error = failure(() => validateSecurityModelInput(input));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues).toEqual([
      { path: 'funding.0.amountVnd', message: 'expected a whole number of VND (safe integer), got 1.5' },
      { path: 'funding.1.amountVnd', message: 'expected a whole number of VND (safe integer), got "630000000"' },
      { path: 'funding.2.amountVnd', message: 'expected a non-negative amount of VND, got -1' },
      { path: 'funding.3.amountVnd', message: `expected a whole number of VND (safe integer), got ${2 ** 53}` },
    ]);
    expect(error.message).toMatch(/^Invalid security model: 4 problems — funding\.0\.amountVnd: expected a whole number/);
  });

  it('names the closest kind when the kind is unknown', () => {
    const error = failure(() => validateSecurityModelInput({ ...cameraModel(), kind: 'security_camra' }));
    expect(error.issues).toEqual([{ path: 'kind', message: 'unknown model kind "security_camra"; did you mean "security_camera"?' }]);
    const byName = failure(() => validateSecurityModelInput({ ...cameraModel(), kind: 'Tiếng kẻng bình yên' }));
    expect(byName.issues[0]?.message).toContain('did you mean "peaceful_gong"?');
  });

  it('refuses wrong types, unknown fields and codes in the GraphQL enum spelling', () => {
    const field = `fundng_${random()}`;
    const error = failure(() => validateSecurityModelInput({ ...cameraModel(), name: 42, status: 'ACTIVE', resources: 'many', partners: ['police', 7], [field]: 1 }));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'expected text, got 42' },
        { path: 'status', message: expect.stringMatching(/^unknown model status "ACTIVE".*expected one of "pilot", "active"/) },
        { path: 'resources', message: 'expected a list, got "many"' },
        { path: 'partners.1', message: expect.stringContaining('expected one of "police"') },
        { path: field, message: `unknown field "${field}"; remove it or check its spelling` },
      ]),
    );
    expect(error.issues).toHaveLength(5);
    for (const issue of error.issues) expect(error.message).toContain(issue.path);
  });

  it('refuses control characters in texts and ids, keeping tabs and line breaks', () => {
    const error = failure(() =>
      validateSecurityModelInput({
        ...cameraModel(),
        name: 'Camera\u0000',
        description: 'bell\u0007',
        linkedRecords: [{ agency: 'front', kind: 'security_model', id: 'a\u0000' }],
      }),
    );
    expect(error.issues).toEqual([
      { path: 'name', message: 'expected text without control characters, got U+0000' },
      { path: 'description', message: 'expected text without control characters, got U+0007' },
      { path: 'linkedRecords.0.id', message: expect.stringContaining('expected an id of 1–200 characters') },
    ]);
    const lines = { ...cameraModel(), description: 'Hai dòng:\r\n\tmột\n\thai' };
    expect(validateSecurityModelInput(lines)).toMatchObject({ description: lines.description });
  });

  itRefusesCharactersLostInDecoding();

  itLinksOnlyModelsAndForces();

  it('refuses missing required fields and a missing input', () => {
    const error = failure(() => validateSecurityModelInput({ name: 'x' }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['areaCode', 'kind', 'status']);
    expect(error.issues.find((i) => i.path === 'kind')?.message).toBe('expected a model kind code, got nothing');
    expect(failure(() => validateSecurityModelInput(undefined)).issues).toEqual([{ path: '', message: 'expected an object, got nothing' }]);
  });

  itChecksAreasDatesAndOrganisations();
  itKeepsTextsComparable();
});

describe('validateSecurityModelPatch', () => {
  it('accepts any changeable field and refuses the rest', () => {
    expect(validateSecurityModelPatch({ status: 'replicated', endedOn: '2024-01-01' })).toEqual({ status: 'replicated', endedOn: '2024-01-01' });
    const error = failure(() => validateSecurityModelPatch({ kind: 'alarm_bell', areaCode: '80' }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['areaCode', 'kind']);
  });

  it('refuses an empty update', () => {
    expect(failure(() => validateSecurityModelPatch({})).message).toContain('expected at least one field to change');
  });
});

// Texts other agencies compare, sort and show: one form of each letter, nothing hidden.
function itKeepsTextsComparable(): void {
  it('stores texts in NFC without surrounding spaces, so Vietnamese typed either way is the same text', () => {
    const typed = 'Tổ tự quản an ninh trật tự';
    const valid = validateSecurityModelInput({ ...cameraModel(), name: `  ${typed.normalize('NFD')}\n`, outcomes: [` ${typed.normalize('NFD')}`] });
    expect(typed.normalize('NFD')).not.toBe(typed);
    expect(valid.name).toBe(typed.normalize('NFC'));
    expect(valid.outcomes).toEqual([typed.normalize('NFC')]);
    // 300 characters once composed, though 900 as sent (o and two combining marks each).
    expect(validateSecurityModelInput({ ...cameraModel(), name: 'ộ'.repeat(300).normalize('NFD') }).name).toHaveLength(300);
  });

  it('refuses a text of invisible characters only, bidirectional controls, and ids with invisible characters', () => {
    const error = failure(() =>
      validateSecurityModelInput({
        ...cameraModel(),
        name: '\u200b\ufeff \u2060',
        description: 'Mô hình \u202eeman ot txet',
        outcomes: ['a\u2066b\u2069'],
        linkedRecords: [{ agency: 'front', kind: 'security_model', id: 'front-model-1\u200b' }],
      }),
    );
    expect(error.issues).toEqual([
      { path: 'name', message: 'expected a non-empty text (spaces and invisible characters alone do not count)' },
      { path: 'description', message: expect.stringMatching(/^expected text without bidirectional controls .*, got U\+202E$/) },
      { path: 'outcomes.0', message: expect.stringMatching(/got U\+2066$/) },
      { path: 'linkedRecords.0.id', message: expect.stringContaining('without spaces, control or invisible characters') },
    ]);
    // A zero-width joiner inside a text that shows something is kept.
    expect(validateSecurityModelInput({ ...cameraModel(), name: 'Camera \u200d an ninh' }).name).toBe('Camera \u200d an ninh');
  });
}

// The checks that need the area registry or cross-field rules.
function itChecksAreasDatesAndOrganisations(): void {
  it('checks area-code format, dates and their order', () => {
    const error = failure(() => validateSecurityModelInput({ ...cameraModel(), areaCode: '7x', startedOn: '2023-02-29', commendations: [{ by: 'x', date: '1944-12-31' }] }));
    expect(error.issues).toEqual([
      { path: 'areaCode', message: 'expected an area code of 2 (province), 3 (district) or 5 (commune) digits, got "7x"' },
      { path: 'startedOn', message: 'expected a real calendar date as YYYY-MM-DD between 1945 and 2100, got "2023-02-29"' },
      { path: 'commendations.0.date', message: 'expected a real calendar date as YYYY-MM-DD between 1945 and 2100, got "1944-12-31"' },
    ]);
    const order = failure(() => validateSecurityModelInput({ ...cameraModel(), startedOn: '2023-05-01', endedOn: '2023-04-30' }));
    expect(order.issues).toEqual([{ path: 'endedOn', message: 'expected a date on or after startedOn (2023-05-01), got "2023-04-30"' }]);
  });

  it('refuses an organisation that the agency does not carry', () => {
    const error = failure(() => validateSecurityModelInput({ ...cameraModel(), organisation: 'womens_union' }, { agency: 'veterans' }));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues).toEqual([
      {
        path: 'organisation',
        message: 'expected an organisation that the veterans subgraph carries ("veterans_association"), got "womens_union", which the front subgraph carries',
      },
    ]);
    const inInput = failure(() => validateSecurityModelInput({ ...cameraModel(), agency: 'police', organisation: 'youth_union' }));
    expect(inInput.issues[0]?.path).toBe('organisation');
    const mismatch = failure(() => validateSecurityModelInput({ ...cameraModel(), agency: 'front' }, { agency: 'police' }));
    expect(mismatch.issues).toEqual([{ path: 'agency', message: 'expected "police" (the agency this input is sent to), got "front"' }]);
  });

  it('refuses a residential area of another commune', () => {
    const input = { ...cameraModel(), residentialAreaId: '99999:ap-3' };
    expect(failure(() => validateSecurityModelInput(input)).issues[0]?.path).toBe('residentialAreaId');
    expect(validateSecurityModelInput({ ...input, areaCode: '99999' }).residentialAreaId).toBe('99999:ap-3');
  });

  it('refuses a commendation whose date and year disagree', () => {
    const error = failure(() => validateSecurityModelInput({ ...cameraModel(), commendations: [{ by: 'Bộ Công an', date: '2023-06-15', year: 2022 }] }));
    expect(error.issues).toEqual([{ path: 'commendations.0.year', message: 'expected 2023 (the year of its date 2023-06-15), got 2022' }]);
  });

  it('fails with UNKNOWN_AREA for codes the registry does not know, only after the format is right', () => {
    const input = cameraModel();
    const unknownReplica = String(10 + Math.floor(Math.random() * 89));
    const areas = new Set([input.areaCode]);
    const error = failure(() => validateSecurityModelInput({ ...input, replication: { areaCodes: [unknownReplica] } }, { areas }));
    expect(error.code).toBe(ErrorCode.UNKNOWN_AREA);
    expect(error.message).toBe(`Unknown area code "${unknownReplica}". Search with Query.areas(search:).`);
    expect(error.details).toMatchObject({ areaCode: unknownReplica });
    expect(error.issues).toEqual([{ path: 'replication.areaCodes.0', message: `unknown area code "${unknownReplica}"` }]);
    expect(validateSecurityModelInput({ ...input, replication: { areaCodes: [input.areaCode] } }, { areas }).areaCode).toBe(input.areaCode);
    // A format problem comes first, as BAD_USER_INPUT.
    expect(failure(() => validateSecurityModelInput({ ...input, areaCode: '1234' }, { areas })).code).toBe(ErrorCode.BAD_USER_INPUT);
  });
}

function itLinksOnlyModelsAndForces(): void {
  it('links only models and forces, what the graph answers as a linked record', () => {
    const error = failure(() =>
      validateSecurityModelInput({
        ...cameraModel(),
        linkedRecords: [
          { agency: 'front', kind: 'volunteer_force', id: 'front-force-1' },
          { agency: 'front', kind: 'observation', id: 'front-observation-1' },
        ],
      }),
    );
    expect(error.issues).toEqual([{ path: 'linkedRecords.1.kind', message: expect.stringContaining('unknown linked record kind "observation"') }]);
  });

  it('takes the ids isRecordId takes, which the gateway checks at their owners, and no other', () => {
    const ids = ['front-model-1', '𝔸'.repeat(200), '𝔸'.repeat(201), 'x'.repeat(201), '', 'two words', 'zero\u200bwidth', 7];
    for (const id of ids) {
      const input = { ...cameraModel(), linkedRecords: [{ agency: 'front', kind: 'security_model', id }] };
      const taken = (() => {
        try {
          validateSecurityModelInput(input);
          return true;
        } catch {
          return false;
        }
      })();
      expect([id, taken]).toEqual([id, isRecordId(id)]);
    }
    expect(ids.map(isRecordId)).toEqual([true, true, false, false, false, false, false, false]);
  });
}

function itRefusesCharactersLostInDecoding(): void {
  it('refuses texts and ids with a character lost in decoding, and takes those whose characters pair', () => {
    const error = failure(() =>
      validateSecurityModelInput({
        ...cameraModel(),
        // "Cần Giuộc" from a Windows-1258 file read as UTF-8; a surrogate without its pair (JSON "\ud83d").
        name: 'C\ufffd\ufffdn Giu',
        description: 'broken \ud83d emoji',
        outcomes: ['\udc00 first'],
        linkedRecords: [{ agency: 'front', kind: 'security_model', id: 'model-\ud800' }],
      }),
    );
    expect(error.issues).toEqual([
      { path: 'name', message: expect.stringMatching(/^expected text whose every character was read, got U\+FFFD .*send the text as UTF-8/) },
      { path: 'description', message: expect.stringContaining('got U+D83D') },
      { path: 'outcomes.0', message: expect.stringContaining('got U+DC00') },
      { path: 'linkedRecords.0.id', message: expect.stringContaining('expected an id of 1–200 characters') },
    ]);
    expect(isRecordId('model-\ud800')).toBe(false);
    const paired = { ...cameraModel(), name: 'Camera 📷', linkedRecords: [{ agency: 'front', kind: 'security_model', id: 'model-📷' }] };
    expect(validateSecurityModelInput(paired)).toMatchObject({ name: 'Camera 📷', linkedRecords: [{ id: 'model-📷' }] });
  });
}
