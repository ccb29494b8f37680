import { describe, expect, it } from "vitest";
import * as generated from "./contract-shapes";
import { matchesShape } from "./json-shape";
import { SHAPED_SCHEMAS, shapeOf } from "./render-contract-shapes";
import { RunEnvelopeSchema } from "./run-view";
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
