// A JSON value's check against a shape: the subset of JSON Schema that zod's toJSONSchema writes for the
// contract's schemas (contract-shapes.ts, generated from them). The player checks answers with this
// instead of loading zod: the schemas stay declared once, in zod, and the shapes follow them (a unit test
// fails when they differ). A keyword outside this subset makes the generator fail, never a silent pass.
// Unknown object properties are allowed, as zod's objects allow (and strip) them.

type JsonType = "string" | "integer" | "number" | "boolean" | "null" | "object" | "array";

export interface JsonShape {
  /** One type, or any of several (zod writes `["string", "null"]` for a nullable string). */
  readonly type?: JsonType | readonly JsonType[];
  readonly const?: string | number | boolean | null;
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonShape>>;
  readonly required?: readonly string[];
  /** `false` (zod's closed output object) is not enforced; a shape checks every other property (records). */
  readonly additionalProperties?: JsonShape | boolean;
  readonly propertyNames?: { readonly type: "string" };
  readonly items?: JsonShape;
  readonly anyOf?: readonly JsonShape[];
  readonly oneOf?: readonly JsonShape[];
}

/** The shape of a schema whose output type is T (T only types the check: it is never present). */
export type Shaped<T> = JsonShape & { readonly __output?: T };

/** True, and typed, when `value` has the shape of the schema whose output type is T. */
export function hasShape<T>(shape: Shaped<T>, value: unknown): value is T {
  return matchesShape(shape, value);
}

/** Every keyword `matchesShape` knows; the generator refuses schemas that use any other. */
export const SHAPE_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "const",
  "enum",
  "minimum",
  "maximum",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "anyOf",
  "oneOf",
]);

/** True when `value` has the shape (as zod would accept it). */
export function matchesShape(shape: JsonShape, value: unknown): boolean {
  if (shape.anyOf && !shape.anyOf.some((option) => matchesShape(option, value))) return false;
  if (shape.oneOf && shape.oneOf.filter((option) => matchesShape(option, value)).length !== 1) return false;
  if ("const" in shape && value !== shape.const) return false;
  if (shape.enum && !shape.enum.includes(value as string)) return false;
  if (shape.type !== undefined) {
    const types: readonly JsonType[] = typeof shape.type === "string" ? [shape.type] : shape.type;
    if (!types.some((type) => hasType(type, value))) return false;
  }
  if (typeof value === "number") {
    if (shape.minimum !== undefined && value < shape.minimum) return false;
    if (shape.maximum !== undefined && value > shape.maximum) return false;
  }
  if (Array.isArray(value)) return !shape.items || value.every((item) => matchesShape(shape.items as JsonShape, item));
  if (isRecord(value)) {
    for (const name of shape.required ?? []) if (!(name in value)) return false;
    const properties = shape.properties ?? {};
    const rest = typeof shape.additionalProperties === "object" ? shape.additionalProperties : undefined;
    for (const [name, item] of Object.entries(value)) {
      const declared = Object.hasOwn(properties, name) ? properties[name] : rest;
      if (declared && !matchesShape(declared, item)) return false;
    }
  }
  return true;
}

function hasType(type: JsonType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isSafeInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "object":
      return isRecord(value);
    case "array":
      return Array.isArray(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
