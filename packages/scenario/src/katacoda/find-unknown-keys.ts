// Walks index.json's syntax tree beside the zod schema that describes it and lists every key
// the schema does not name, with its position, so nothing an author wrote is dropped silently.
import type { Node } from "jsonc-parser";
import { z } from "zod";
import type { JsonPath } from "./index-json-document";

export interface UnknownKey {
  /** Path of the property, e.g. ["details", "steps", 0, "titel"]. */
  path: JsonPath;
  key: string;
  /** Offset of the key in the text. */
  offset: number;
  /** The keys the schema knows at that place (for a "did you mean" suggestion). */
  knownKeys: string[];
}

export function findUnknownKeys(node: Node, schema: z.ZodType, path: JsonPath = []): UnknownKey[] {
  const shapes = candidateSchemas(schema);
  if (node.type === "object") {
    const objects = shapes.filter((candidate) => candidate instanceof z.ZodObject);
    const records = shapes.filter((candidate) => candidate instanceof z.ZodRecord);
    if (objects.length === 0 && records.length === 0) return [];
    const found: UnknownKey[] = [];
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || typeof keyNode.value !== "string") continue;
      const key = keyNode.value;
      const propertySchema =
        objects
          .map((candidate) => (Object.hasOwn(candidate.shape, key) ? (candidate.shape[key] as z.ZodType) : undefined))
          .find(Boolean) ?? (records[0]?.valueType as z.ZodType | undefined);
      if (!propertySchema) {
        const knownKeys = objects.flatMap((candidate) => Object.keys(candidate.shape));
        found.push({ path: [...path, key], key, offset: keyNode.offset, knownKeys });
        continue;
      }
      if (valueNode) found.push(...findUnknownKeys(valueNode, propertySchema, [...path, key]));
    }
    return found;
  }
  if (node.type === "array") {
    const arrays = shapes.filter((candidate) => candidate instanceof z.ZodArray);
    const element = arrays[0]?.element as z.ZodType | undefined;
    if (!element) return [];
    return (node.children ?? []).flatMap((child, index) => findUnknownKeys(child, element, [...path, index]));
  }
  return [];
}

/** The concrete schemas a value may match, looking through optional, default, pipe and union wrappers. */
function candidateSchemas(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return candidateSchemas(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) {
    // A preprocessed list (`listOf` in index-json-schema.ts) also accepts one item in place of the list.
    if (schema.in instanceof z.ZodTransform) {
      const out = candidateSchemas(schema.out as z.ZodType);
      return [...out, ...out.flatMap((c) => (c instanceof z.ZodArray ? candidateSchemas(c.element as z.ZodType) : []))];
    }
    return candidateSchemas(schema.in as z.ZodType);
  }
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(candidateSchemas);
  return [schema];
}
