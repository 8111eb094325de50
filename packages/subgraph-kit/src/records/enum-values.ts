/** `WOMENS_UNION` ↔ `womens_union`: schema enums are the SDK's codes in capitals. */
export function toEnumValue(value: string | undefined | null): string | null {
  return value === undefined || value === null ? null : value.toUpperCase();
}

export function fromEnumValue<T extends string>(value: unknown): T | undefined {
  return typeof value === 'string' ? (value.toLowerCase() as T) : undefined;
}

export function enumList(values: unknown): string[] | undefined {
  return Array.isArray(values) ? values.map((value) => String(value).toLowerCase()) : undefined;
}
