import {
  AntqError,
  ErrorCode,
  toResidentialAreaId,
  validateComplexAreaDesignationInput,
  validateExemplaryCommunePilotInput,
  validateMovementRatingInput,
  validateResidentialAreaInput,
  validateSafetyRecognitionInput,
  validateTransformationResultInput,
  type ComplexAreaDesignationInput,
  type ExemplaryCommunePilotInput,
  type MovementRatingInput,
  type ResidentialAreaInput,
  type SafetyRecognitionInput,
  type TransformationResultInput,
  type ValidationOptions,
} from '@antq/sdk';
import { appendChange, DATASET_AUTHOR, type SqlExecutor, type Storage } from '@antq/subgraph-kit';
import { designationStore, type DesignationKind } from './designation-store.js';

type WithId<T> = T & { readonly id: string };

/** The police's own example records: residential areas and the yearly designations of areas. */
export interface PoliceDesignationDataset {
  readonly residentialAreas?: readonly ResidentialAreaInput[];
  readonly complexAreaDesignations?: readonly WithId<ComplexAreaDesignationInput>[];
  /** Each result's area is that of its designation. */
  readonly transformationResults?: readonly WithId<TransformationResultInput>[];
  readonly safetyRecognitions?: readonly WithId<SafetyRecognitionInput>[];
  readonly exemplaryCommunePilots?: readonly WithId<ExemplaryCommunePilotInput>[];
  readonly movementRatings?: readonly WithId<MovementRatingInput>[];
}

/** Designations before the results that point at them. */
const DESIGNATION_LISTS = [
  ['complex_area_designation', 'complexAreaDesignations', validateComplexAreaDesignationInput],
  ['transformation_result', 'transformationResults', validateTransformationResultInput],
  ['safety_recognition', 'safetyRecognitions', validateSafetyRecognitionInput],
  ['exemplary_commune_pilot', 'exemplaryCommunePilots', validateExemplaryCommunePilotInput],
  ['movement_rating', 'movementRatings', validateMovementRatingInput],
] as const satisfies readonly (readonly [DesignationKind, keyof PoliceDesignationDataset, (input: unknown, options?: ValidationOptions) => { year: number }])[];

/** The area of the key complex area designation a transformation result belongs to. */
async function designatedArea(tx: SqlExecutor, designationId: string): Promise<string> {
  const [designation] = await designationStore.byIds(tx, [designationId]);
  if (designation?.kind !== 'complex_area_designation') {
    throw new AntqError(ErrorCode.NOT_FOUND, `No key complex area designation "${designationId}": list it in complexAreaDesignations.`, {
      details: { id: designationId },
    });
  }
  return designation.areaCode;
}

/**
 * Nạp dữ liệu mẫu của Công an — writes residential areas and designations through the SDK's
 * validation, each with its change event, in one transaction, skipping ids already stored.
 * Returns how many records were written.
 */
export async function loadPoliceDesignations(storage: Storage, areas: NonNullable<ValidationOptions['areas']>, dataset: PoliceDesignationDataset): Promise<number> {
  const options: ValidationOptions = { agency: 'police', areas };
  return storage.transaction(async (tx) => {
    let written = 0;
    const residentialAreas = dataset.residentialAreas ?? [];
    const storedAreas = await designationStore.residentialAreasByIds(tx, residentialAreas.map(toResidentialAreaId));
    for (const [i, input] of residentialAreas.entries()) {
      if (storedAreas[i]) continue;
      const valid = validateResidentialAreaInput(input, options);
      const area = { id: toResidentialAreaId(valid), communeCode: valid.communeCode, name: valid.name, localKind: valid.localKind };
      const stored = await designationStore.insertResidentialArea(tx, area, DATASET_AUTHOR);
      await appendChange(tx, { agency: 'police', recordKind: 'residential_area', recordId: stored.id, change: 'created', areaCode: stored.communeCode, payload: stored });
      written += 1;
    }

    for (const [kind, list, validate] of DESIGNATION_LISTS) {
      const inputs: readonly { readonly id: string }[] = dataset[list] ?? [];
      const stored = await designationStore.byIds(
        tx,
        inputs.map((input) => input.id),
      );
      for (const [i, input] of inputs.entries()) {
        if (stored[i]) continue;
        const valid: Record<string, unknown> & { year: number } = { ...validate(input, options) };
        const areaCode = typeof valid.areaCode === 'string' ? valid.areaCode : await designatedArea(tx, String(valid.designationId));
        const record = await designationStore.insert(tx, { ...valid, id: input.id, kind, areaCode, year: valid.year }, DATASET_AUTHOR);
        await appendChange(tx, { agency: 'police', recordKind: kind, recordId: record.id, change: 'created', areaCode: record.areaCode, payload: record });
        written += 1;
      }
    }
    return written;
  });
}
