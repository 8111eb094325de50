import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { usedFragments } from '../operation-analysis.js';
import type { AuditRecordRef } from './audit-log.js';

/** A selected field that leads to more objects: where its value is, and how to read that. */
interface ChildField {
  readonly key: string;
  readonly selectionSet: SelectionSetNode;
  /** The type the field was selected on (a fragment on another concrete type does not apply). */
  readonly on: GraphQLCompositeType;
  readonly type: GraphQLCompositeType;
  /** The plan of the objects under the field, linked when first needed (then each item reads it at once). */
  plan?: ObjectPlan;
}

/** A concrete type's part in the records: its type, and whether it has an `id` to record. */
interface RecordType {
  readonly type: GraphQLObjectType;
  readonly hasId: boolean;
}

/** What to read of an object selected with one selection set as one declared type. */
interface ObjectPlan {
  /** Response key of the first `__typename` selected, if any. */
  readonly typenameKey: string | undefined;
  /** Response key of the first `id` selected, if any. */
  readonly idKey: string | undefined;
  /** The type of every object read with this plan when `__typename` is not selected (the declared type, if concrete). */
  readonly declaredType: RecordType | undefined;
  readonly children: readonly ChildField[];
}

/** An operation's plans, made as objects of each (selection set, type) are first met. */
interface OperationPlans {
  readonly schema: GraphQLSchema;
  readonly root: GraphQLObjectType;
  readonly selectionSet: SelectionSetNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly objects: Map<SelectionSetNode, Map<GraphQLCompositeType, ObjectPlan>>;
  /** Concrete types by the `__typename` the answers give. */
  readonly types: Map<string, RecordType | undefined>;
}

const recordType = (type: unknown): RecordType | undefined => (isObjectType(type) ? { type, hasId: !!type.getFields().id } : undefined);

function typeNamed(plans: OperationPlans, typename: string): RecordType | undefined {
  if (!plans.types.has(typename)) plans.types.set(typename, recordType(plans.schema.getType(typename)));
  return plans.types.get(typename);
}

// Documents come from the parser cache: the same text is the same object, so its plans are made once.
const plansByDocument = new WeakMap<DocumentNode, Map<string, OperationPlans | null>>();

function operationPlans(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationPlans | undefined {
  let perDocument = plansByDocument.get(document);
  if (!perDocument) plansByDocument.set(document, (perDocument = new Map()));
  const name = operationName ?? '';
  let plans = perDocument.get(name);
  // A new supergraph is a new schema: plans of the old one are not reused.
  if (plans === undefined || (plans && plans.schema !== schema)) {
    const operation = getOperationAST(document, operationName ?? undefined);
    const root = operation && schema.getRootType(operation.operation);
    plans =
      operation && root
        ? {
            schema,
            root,
            selectionSet: operation.selectionSet,
            fragments: new Map(usedFragments(document, operation).map((fragment) => [fragment.name.value, fragment])),
            objects: new Map(),
            types: new Map(),
          }
        : null;
    perDocument.set(name, plans);
  }
  return plans ?? undefined;
}

/** The fields of a selection set on a declared type, fragments followed, in document order. */
function makeObjectPlan(plans: OperationPlans, selectionSet: SelectionSetNode, declared: GraphQLCompositeType): ObjectPlan {
  let typenameKey: string | undefined;
  let idKey: string | undefined;
  const children: ChildField[] = [];
  const collect = (set: SelectionSetNode, on: GraphQLCompositeType) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const name = selection.name.value;
        if (name === '__typename') typenameKey ??= key;
        if (name === 'id') idKey ??= key;
        if (!selection.selectionSet) continue;
        const definition = 'getFields' in on ? on.getFields()[name] : undefined;
        const type = definition && getNamedType(definition.type);
        if (type && (isObjectType(type) || isAbstractType(type))) children.push({ key, selectionSet: selection.selectionSet, on, type });
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? plans.fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? plans.schema.getType(fragment.typeCondition.name.value) : on;
      if (condition && (isObjectType(condition) || isAbstractType(condition))) collect(fragment.selectionSet, condition);
    }
  };
  collect(selectionSet, declared);
  return { typenameKey, idKey, declaredType: recordType(declared), children };
}

function objectPlan(plans: OperationPlans, selectionSet: SelectionSetNode, declared: GraphQLCompositeType): ObjectPlan {
  let byType = plans.objects.get(selectionSet);
  if (!byType) plans.objects.set(selectionSet, (byType = new Map()));
  let plan = byType.get(declared);
  if (!plan) byType.set(declared, (plan = makeObjectPlan(plans, selectionSet, declared)));
  return plan;
}

/**
 * The records in a result: objects with an `id` whose type some agency owns. Walks the data
 * along the selection, so aliases and fragments are followed and `__typename` (when selected)
 * gives the concrete type behind an interface or union. What to read of each object is worked
 * out once per document, selection set and type, not once per object.
 */
export function resultRecords(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, data: unknown): AuditRecordRef[] {
  const plans = operationPlans(schema, document, operationName);
  if (!plans || !data) return [];
  const found = new Map<string, AuditRecordRef>();

  const visitValue = (value: unknown, plan: ObjectPlan): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitValue(item, plan);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    const typename = plan.typenameKey === undefined ? undefined : object[plan.typenameKey];
    const concrete = typeof typename === 'string' ? typeNamed(plans, typename) : plan.declaredType;
    const id = plan.idKey === undefined ? undefined : object[plan.idKey];
    if (concrete?.hasId && (typeof id === 'string' || typeof id === 'number')) {
      found.set(`${concrete.type.name}\u0000${id}`, { typename: concrete.type.name, id: String(id) });
    }
    for (const field of plan.children) {
      if (!(field.key in object)) continue;
      // A fragment on another concrete type does not apply to this object.
      if (concrete && isObjectType(field.on) && field.on !== concrete.type) continue;
      visitValue(object[field.key], (field.plan ??= objectPlan(plans, field.selectionSet, field.type)));
    }
  };
  visitValue(data, objectPlan(plans, plans.selectionSet, plans.root));
  return [...found.values()];
}
