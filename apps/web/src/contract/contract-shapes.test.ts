import { describe, expect, it } from "vitest";
import * as generated from "./contract-shapes";
import { type JsonShape, matchesShape } from "./json-shape";
import { SHAPED_SCHEMAS, shapeOf } from "./render-contract-shapes";
import { RunEnvelopeSchema } from "./run-view";
import { shareRepeatedShapes } from "./shape-definitions";
import { serverControlSchema } from "./terminal-protocol";

const shapes = generated as unknown as Record<string, unknown>;

describe("contract-shapes.ts", () => {
  it.each(SHAPED_SCHEMAS.map((entry) => [entry.shape, entry] as const))(
    "%s is the shape of its schema as declared now",
    (name, { schema }) => {
      expect(shapes[name], "run `npm run contract-shapes -w @circus/web` after changing the contract").toEqual(
        shapeOf(schema),
      );
    },
  );

  it("has no shape whose schema is gone", () => {
    expect(Object.keys(shapes).sort()).toEqual(SHAPED_SCHEMAS.map((entry) => entry.shape).sort());
  });

  it("declares each shared shape once: equal composite shapes are one object (the run view of four answers)", () => {
    const first = new Map<string, JsonShape>();
    let repeats = 0;
    const visit = (shape: JsonShape): void => {
      const key = JSON.stringify(shape);
      const seen = first.get(key);
      if (seen && key.length >= 80 && (shape.properties || shape.items || shape.anyOf || shape.oneOf)) {
        expect(shape, key.slice(0, 120)).toBe(seen);
        repeats += 1;
        return;
      }
      if (!seen) first.set(key, shape);
      const children = [
        ...Object.values(shape.properties ?? {}),
        ...(shape.items ? [shape.items] : []),
        ...(shape.anyOf ?? []),
        ...(shape.oneOf ?? []),
        ...(typeof shape.additionalProperties === "object" ? [shape.additionalProperties] : []),
      ];
      for (const child of children) visit(child);
    };
    for (const name of Object.keys(shapes).sort()) visit(shapes[name] as JsonShape);
    expect(repeats).toBeGreaterThanOrEqual(3);
  });
});

describe("shareRepeatedShapes", () => {
  const item = (name: string): JsonShape => ({
    type: "object",
    properties: { [name]: { type: "string" }, kind: { type: "string", enum: ["a", "b", "c"] } },
    required: [name],
  });
  const list = (name: string): JsonShape => ({ type: "array", items: item(name) });

  it("declares a shape used twice once, leaves one used only inside it and a short one inline", () => {
    const strings: JsonShape = { type: "array", items: { type: "string" } };
    const shared = shareRepeatedShapes([
      { name: "FirstShape", shape: { type: "object", properties: { entries: list("id"), tags: strings } } },
      { name: "SecondShape", shape: { type: "object", properties: { entries: list("id"), names: strings } } },
      { name: "ThirdShape", shape: { anyOf: [list("other"), { type: "null" }] } },
    ]);
    // item("id") is in both lists but only inside the shared list: inline there.
    expect(shared.definitions.map((definition) => definition.name)).toEqual(["entriesShape"]);
    const [entries] = shared.definitions;
    expect(shared.renderDefinition(entries!)).toMatch(/^\{"type": "array", "items": \{"type": "object"/);
    expect(shared.render({ type: "object", properties: { entries: list("id"), tags: strings } })).toBe(
      '{"type": "object", "properties": {"entries": entriesShape, "tags": {"type": "array", "items": {"type": "string"}}}}',
    );
    expect(shared.render(list("other"))).not.toContain("Shape");
  });

  it("names a shared shape where it is first met, numbering a name already taken, inner ones first", () => {
    const shared = shareRepeatedShapes([
      { name: "AShape", shape: { type: "object", properties: { entries: list("x") } } },
      { name: "BShape", shape: { type: "object", properties: { entries: list("x"), count: { type: "integer" } } } },
      { name: "CShape", shape: { type: "object", properties: { entries: list("y") } } },
      {
        name: "DShape",
        shape: {
          oneOf: [{ type: "object", properties: { entries: list("y") }, required: ["entries"] }, { type: "null" }],
        },
      },
      {
        name: "EShape",
        shape: { type: "object", properties: { wrapped: { type: "object", properties: { in: item("z") } } } },
      },
      {
        name: "FShape",
        shape: {
          type: "object",
          properties: { wrapped: { type: "object", properties: { in: item("z") } } },
          required: [],
        },
      },
      { name: "GShape", shape: { type: "array", items: item("z") } },
    ]);
    expect(shared.definitions.map((definition) => definition.name)).toEqual([
      "entriesShape",
      "entries2Shape",
      "inShape",
      "wrappedShape",
    ]);
    expect(shared.render({ type: "array", items: item("z") })).toBe('{"type": "array", "items": inShape}');
  });
});

const run = {
  id: "r1",
  scenarioId: "circus-basics",
  status: "ready",
  stage: "ready",
  error: null,
  currentStep: 1,
  steps: [
    { index: 0, title: "One", completed: true },
    { index: 1, title: "Two", completed: false },
  ],
  expiresAt: "2026-01-01T00:00:00.000Z",
  hosts: ["node1"],
  hostStates: [{ name: "node1", state: "stopped", message: "out of memory", cause: "memory" }],
  savingAllowed: true,
  terminals: [{ id: "1", title: "Terminal", host: "node1" }],
  ports: [{ host: "node1", port: 8080, title: "App", path: "/", url: "/preview/r1/node1/8080/" }],
};

/** The run envelope with one change at `path` (undefined deletes the property). */
function changed(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone({ run });
  let target: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

describe("matchesShape agrees with zod", () => {
  const envelope = generated.RunEnvelopeShape;
  it.each([
    ["a full run", { run }],
    ["no optional fields", changed(["run", "hostStates"], undefined)],
    ["a null stage", changed(["run", "stage"], null)],
    ["an unknown extra property (zod strips it)", changed(["run", "newField"], { any: 1 })],
    ["a missing run", {}],
    ["a missing id", changed(["run", "id"], undefined)],
    ["a numeric id", changed(["run", "id"], 7)],
    ["an unknown status", changed(["run", "status"], "paused")],
    ["a negative current step", changed(["run", "currentStep"], -1)],
    ["a fractional current step", changed(["run", "currentStep"], 1.5)],
    ["a null where nothing is nullable", changed(["run", "expiresAt"], null)],
    ["an object for an array", changed(["run", "hosts"], { 0: "node1" })],
    ["a wrong item in an array", changed(["run", "hosts", 0], 1)],
    ["a wrong nested enum", changed(["run", "hostStates", 0, "cause"], "cosmic-ray")],
    ["a string for a boolean", changed(["run", "savingAllowed"], "true")],
    ["an array for the envelope", [run]],
    ["null", null],
  ])("%s", (_name, value) => {
    expect(matchesShape(envelope, value)).toBe(RunEnvelopeSchema.safeParse(value).success);
  });

  it.each([
    ["hello", { type: "hello", terminal: "1", offset: 0, readOnly: false }, true],
    ["exit with a null code", { type: "exit", code: null, reason: "exited", message: "bye" }, true],
    ["pong", { type: "pong" }, true],
    ["an unknown type", { type: "shout" }, false],
    ["a hello without its offset", { type: "hello", terminal: "1", readOnly: false }, false],
    ["a negative offset", { type: "offset", value: -5 }, false],
    ["a string code", { type: "exit", code: "1", reason: "exited", message: "bye" }, false],
  ])("a server control message: %s", (_name, value, valid) => {
    expect(serverControlSchema.safeParse(value).success).toBe(valid);
    expect(matchesShape(generated.ServerControlShape, value)).toBe(valid);
  });

  it("checks a record's values (quiz results)", () => {
    const quiz = generated.QuizResultShape;
    expect(matchesShape(quiz, { passed: true, results: { q1: true, q2: false } })).toBe(true);
    expect(matchesShape(quiz, { passed: true, results: { q1: "yes" } })).toBe(false);
  });
});
