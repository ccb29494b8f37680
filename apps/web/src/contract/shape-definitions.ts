// Finds the composite shapes (objects, arrays, unions, records) that the contract's shapes use more than once,
// so that contract-shapes.ts declares each of them once and refers to it (the run view alone is in four answers).
// Used by render-contract-shapes.ts; Node only, like it.
import type { JsonShape } from "./json-shape";

/** A shape to render: the name it is exported under and the shape. */
export interface NamedShape {
  name: string;
  shape: JsonShape;
}

export interface SharedShapes {
  /** The shapes declared apart, each before every one that refers to it. */
  definitions: NamedShape[];
  /** `shape` as a TypeScript expression, with every shared shape inside it (or itself) by its name. */
  render(shape: JsonShape): string;
  /** A definition's own shape as a TypeScript expression, with the shared shapes inside it by their names. */
  renderDefinition(definition: NamedShape): string;
}

/** Shapes nested in `shape` with their names where first met: a property's name, or `parent` + `Item` / `Value`. */
function childShapes(shape: JsonShape, parent: string): [string, JsonShape][] {
  const children: [string, JsonShape][] = Object.entries(shape.properties ?? {});
  if (shape.items) children.push([`${parent}Item`, shape.items]);
  if (typeof shape.additionalProperties === "object") children.push([`${parent}Value`, shape.additionalProperties]);
  for (const option of [...(shape.anyOf ?? []), ...(shape.oneOf ?? [])]) children.push([parent, option]);
  return children;
}

/** Shorter ones stay inline: a name would save little and hide a one-line shape (a string array) behind it. */
const MIN_SHARED_LENGTH = 80;

const isComposite = (shape: JsonShape): boolean =>
  shape.properties !== undefined ||
  shape.items !== undefined ||
  shape.anyOf !== undefined ||
  shape.oneOf !== undefined ||
  typeof shape.additionalProperties === "object";

/** A name fit for a TypeScript const: lower camel case, ending in `Shape`. */
function identifier(path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words.map((word, index) => (index === 0 ? word : `${word[0]?.toUpperCase()}${word.slice(1)}`)).join("");
  const base = camel.replace(/^[^A-Za-z]+/, "").replace(/Shape$/, "") || "shared";
  return `${base[0]?.toLowerCase()}${base.slice(1)}Shape`;
}

/** Shares every composite shape that appears more than once among `roots` (inside a shared one counting once). */
export function shareRepeatedShapes(roots: readonly NamedShape[]): SharedShapes {
  const keys = new Map<JsonShape, string>();
  const keyOf = (shape: JsonShape): string => {
    let key = keys.get(shape);
    if (key === undefined) {
      key = JSON.stringify(shape);
      keys.set(shape, key);
    }
    return key;
  };
  /** Calls `enter` on every shape below each root, depth first, in order; `enter` false skips the shape's inside. */
  const walk = (enter: (shape: JsonShape, name: string) => boolean): void => {
    const visit = (shape: JsonShape, name: string): void => {
      if (enter(shape, name)) for (const [childName, child] of childShapes(shape, name)) visit(child, childName);
    };
    for (const { name, shape } of roots) visit(shape, name);
  };

  // Candidates: composite shapes of some length that appear twice or more anywhere.
  const total = new Map<string, number>();
  walk((shape) => {
    const key = keyOf(shape);
    if (isComposite(shape) && key.length >= MIN_SHARED_LENGTH) total.set(key, (total.get(key) ?? 0) + 1);
    return true;
  });
  const shared = new Set([...total].filter(([, count]) => count > 1).map(([key]) => key));

  // Counted again with a shared shape's inside walked once: one only ever used inside another one stays inline.
  for (;;) {
    const uses = new Map<string, number>();
    walk((shape) => {
      const key = keyOf(shape);
      if (!shared.has(key)) return true;
      uses.set(key, (uses.get(key) ?? 0) + 1);
      return uses.get(key) === 1;
    });
    const once = [...shared].filter((key) => (uses.get(key) ?? 0) < 2);
    if (once.length === 0) break;
    for (const key of once) shared.delete(key);
  }

  // Named where first met (a taken name gets a number), each declared after the shared shapes inside it.
  const declared = new Map<string, string>();
  const taken = new Set(roots.map((root) => root.name));
  const definitions: NamedShape[] = [];
  walk((shape, name) => {
    const key = keyOf(shape);
    if (!shared.has(key)) return true;
    if (declared.has(key)) return false;
    const base = identifier(name);
    let unique = base;
    for (let suffix = 2; taken.has(unique); suffix += 1) unique = `${base.replace(/Shape$/, "")}${suffix}Shape`;
    taken.add(unique);
    declared.set(key, unique);
    return true;
  });
  // Declared inner first: a post-order walk over the shared shapes found above.
  const emitted = new Set<string>();
  const emit = (shape: JsonShape, name: string): void => {
    for (const [childName, child] of childShapes(shape, name)) emit(child, childName);
    const key = keyOf(shape);
    const declaredName = declared.get(key);
    if (declaredName && !emitted.has(key)) {
      emitted.add(key);
      definitions.push({ name: declaredName, shape });
    }
  };
  for (const { name, shape } of roots) emit(shape, name);

  const expression = (shape: JsonShape, asBody: boolean): string => {
    const reference = asBody ? undefined : declared.get(keyOf(shape));
    if (reference) return reference;
    const nested = (child: JsonShape) => expression(child, false);
    const entries = Object.entries(shape).map(([keyword, value]) => {
      const rendered =
        keyword === "properties"
          ? `{${Object.entries(value as Record<string, JsonShape>)
              .map(([name, child]) => `${JSON.stringify(name)}: ${nested(child)}`)
              .join(", ")}}`
          : keyword === "anyOf" || keyword === "oneOf"
            ? `[${(value as JsonShape[]).map(nested).join(", ")}]`
            : keyword === "items" || (keyword === "additionalProperties" && typeof value === "object")
              ? nested(value as JsonShape)
              : JSON.stringify(value);
      return `${JSON.stringify(keyword)}: ${rendered}`;
    });
    return `{${entries.join(", ")}}`;
  };
  return {
    definitions,
    render: (shape) => expression(shape, false),
    renderDefinition: ({ shape }) => expression(shape, true),
  };
}
