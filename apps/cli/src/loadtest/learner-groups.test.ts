import { describe, expect, it } from "vitest";
import { threadsFor } from "./learner-groups";
import { measuresData, mergeMeasures, StepMeasures } from "./load-measures";

describe("threadsFor", () => {
  it("keeps up to 50 learners in this thread, then adds a thread per 50, at most one per core", () => {
    expect(threadsFor(3, 2)).toBe(0);
    expect(threadsFor(50, 2)).toBe(0);
    expect(threadsFor(51, 2)).toBe(2);
    expect(threadsFor(200, 2)).toBe(2);
    expect(threadsFor(200, 8)).toBe(4);
    expect(threadsFor(1000, 64)).toBe(16);
    expect(threadsFor(200, 1)).toBe(1);
  });
});

describe("measures from worker threads", () => {
  it("merge into one step's measures as if recorded there", () => {
    const step = new StepMeasures(4);
    step.echo.add(1);
    step.error("echo_timeout");
    const fromThread = new StepMeasures(0);
    fromThread.echo.add(3);
    fromThread.echo.add(5);
    fromThread.startToPrompt.add(800);
    fromThread.check.add(120);
    fromThread.error("echo_timeout");
    fromThread.error("check: http_502");
    fromThread.checksPassed = 1;
    fromThread.reloads = 2;
    fromThread.saves = 1;
    // What postMessage carries: a structured clone of plain data.
    mergeMeasures(step, structuredClone(measuresData(fromThread)));
    expect(step.echo.count).toBe(3);
    expect(step.echo.p(100)).toBe(5);
    expect(step.startToPrompt.values).toEqual([800]);
    expect(step.check.values).toEqual([120]);
    expect(Object.fromEntries(step.errors)).toEqual({ echo_timeout: 2, "check: http_502": 1 });
    expect(step.errorCount).toBe(3);
    expect({ passed: step.checksPassed, reloads: step.reloads, saves: step.saves }).toEqual({
      passed: 1,
      reloads: 2,
      saves: 1,
    });
  });
});
