import type { Resolvers } from '../generated/resolver-types.js';
import type { AgencyContext } from './agency-context.js';

/**
 * The kit's resolvers are written once, against the placeholder agency's names (`TemplateModel`,
 * `templateModels`, `grantTemplateAccess` …) and typed by the resolver types generated from its
 * contract (scripts/resolver-types.ts): a wrong result or a mistyped field name fails `tsc`.
 * `forAgency` gives them an agency's names when the subgraph starts.
 */
export type TemplateResolvers = Resolvers<AgencyContext>;

/** The placeholder's names in the generated types (see TEMPLATE_AGENCY in subgraph-contract.ts). */
type PlaceholderPrefix = 'Template';
type PlaceholderCode = 'template';

/** A schema name with the placeholder's prefix or code replaced by an agency's: `templateModels` → `policeModels`. */
export type AgencyName<Name extends string, Prefix extends string, Code extends string> = Name extends `${infer Head}${PlaceholderPrefix}${infer Tail}`
  ? `${Head}${Prefix}${Tail}`
  : Name extends `${infer Head}${PlaceholderCode}${infer Tail}`
    ? `${Head}${Code}${Tail}`
    : Name;

/** A resolver map with the placeholder's type and field names renamed to an agency's. */
export type ForAgency<Map, Prefix extends string, Code extends string> = {
  [Type in keyof Map & string as AgencyName<Type, Prefix, Code>]: Map[Type] extends object
    ? { [Field in keyof Map[Type] & string as AgencyName<Field, Prefix, Code>]: Map[Type][Field] }
    : Map[Type];
};

/** The names an agency fills the template with: its type prefix (`Police`) and its code (`police`). */
export interface AgencyNames<Prefix extends string = string, Code extends string = string> {
  readonly typePrefix: Prefix;
  readonly code: Code;
}

function renamer({ typePrefix, code }: AgencyNames): (name: string) => string {
  return (name) => (name.includes('Template') ? name.replace('Template', typePrefix) : name.replace('template', code));
}

/**
 * Renames a resolver map written for the placeholder to an agency's names: its types, their fields,
 * and the type names `__resolveType` answers (`TemplateModel` → `PoliceModel`).
 */
export function forAgency<Map extends TemplateResolvers, Prefix extends string, Code extends string>(
  resolvers: Map,
  names: AgencyNames<Prefix, Code>,
): ForAgency<Map, Prefix, Code> {
  const rename = renamer(names);
  const renamed = Object.entries(resolvers).map(([type, fields]) => {
    // Enum values and scalars are kept as they are; only object-type maps have fields to rename.
    if (typeof fields !== 'object' || fields === null || Object.getPrototypeOf(fields) !== Object.prototype) return [rename(type), fields];
    const renamedFields = Object.entries(fields as Record<string, unknown>).map(([field, resolver]) => {
      if (field !== '__resolveType' || typeof resolver !== 'function') return [rename(field), resolver];
      const resolveType = resolver as (...args: unknown[]) => unknown;
      return [
        field,
        (...args: unknown[]) => {
          const typeName = resolveType(...args);
          return typeName instanceof Promise ? typeName.then((name) => renameTypeName(name, rename)) : renameTypeName(typeName, rename);
        },
      ];
    });
    return [rename(type), Object.fromEntries(renamedFields)];
  });
  return Object.fromEntries(renamed) as ForAgency<Map, Prefix, Code>;
}

function renameTypeName(typeName: unknown, rename: (name: string) => string): unknown {
  return typeof typeName === 'string' ? rename(typeName) : typeName;
}
