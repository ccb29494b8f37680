import { describe, expect, it } from "vitest";
import { terminalStyle } from "../terminal-style";
import { StepMeasures } from "./load-measures";
import { adviceFor, formatReport, learnersHeld, reportStep } from "./load-report";
import { engineCpuBetween } from "./resource-sampler";

function step(learners: number, echoMs: number, options: { errors?: number; checkMs?: number } = {}) {
  const measures = new StepMeasures(learners);
  for (let i = 0; i < 200; i++) measures.echo.add(echoMs);
  for (let i = 0; i < learners; i++) measures.startToPrompt.add(800);
  for (let i = 0; i < 20; i++) measures.check.add(options.checkMs ?? 300);
  for (let i = 0; i < (options.errors ?? 0); i++) measures.error("capacity");
  return reportStep(
    measures,
    60,
    { at: 0, serverCpuSeconds: 10, serverMemoryMiB: 200, engineCpuSeconds: 5, engineMemoryMiB: 100 },
    { at: 60_000, serverCpuSeconds: 16, serverMemoryMiB: 300, engineCpuSeconds: 11, engineMemoryMiB: 700 },
  );
}

describe("the load report", () => {
  it("shows the final clean-up's failed stops by kind with the first message, and the runs left", () => {
    const plain = terminalStyle(false);
    const report = {
      target: "http://127.0.0.1:3000",
      scenario: "circus-basics",
      steps: [step(10, 8)],
      learnersHeld: 10,
      advice: {},
      runsLeft: 3,
      stopErrors: {
        count: 3,
        byKind: { connection_failed: 2, internal: 1 },
        first: "fetch failed (connect ECONNREFUSED 127.0.0.1:3000)",
      },
      threads: 1,
      interrupted: false,
    };
    const text = formatReport(report, plain);
    expect(text).toContain("Clean-up: 3 run stops failed (connection_failed 2, internal 1).");
    expect(text).toContain("  first: fetch failed (connect ECONNREFUSED 127.0.0.1:3000)");
    expect(text).toContain("3 runs could not be stopped");
    expect(formatReport({ ...report, runsLeft: 0, stopErrors: { count: 0, byKind: {} } }, plain)).not.toContain(
      "Clean-up",
    );
  });

  it("counts the engine's CPU part by part: containers gone during a step never make it negative", () => {
    const before = { at: 0, engineCpuSeconds: 30, engineCpuParts: { gone: 20, kept: 4, "pid:1": 6 } };
    const after = { at: 60_000, engineCpuSeconds: 15, engineCpuParts: { kept: 5, "pid:1": 7, fresh: 3 } };
    expect(engineCpuBetween(before, after)).toBe(5);
  });

  it("computes the per-step figures from the samples and the resource deltas", () => {
    const report = step(50, 8);
    expect(report).toMatchObject({
      learners: 50,
      starts: 50,
      echoP99Ms: 8,
      checkP95Ms: 300,
      serverCpuCores: 0.1,
      engineCpuCores: 0.1,
      serverCpuMsPerLearnerSecond: 2,
      memoryMiBPerLearner: 20,
      held: true,
    });
  });

  it("reports the steady part of a step apart from its arrivals: echoes, CPU and event-loop delays after the mark", () => {
    const measures = new StepMeasures(10);
    for (let i = 0; i < 100; i++) measures.echo.add(400);
    const mark = {
      at: { at: 20_000, serverCpuSeconds: 12, serverLagP99Ms: 90, engineCpuSeconds: 8 },
      echoCount: measures.echo.count,
      arrivalGeneratorLagP99Ms: 70,
    };
    for (let i = 0; i < 100; i++) measures.echo.add(5);
    const report = reportStep(
      measures,
      60,
      { at: 0, serverCpuSeconds: 10, engineCpuSeconds: 5 },
      { at: 60_000, serverCpuSeconds: 16, serverLagP99Ms: 12, engineCpuSeconds: 10 },
      { cpuSeconds: 3, lagP99Ms: 8, loadAverage: 1 },
      mark,
    );
    expect(report).toMatchObject({ echoP99Ms: 400, serverLagP99Ms: 90, generatorLagP99Ms: 70 });
    expect(report.steady).toEqual({
      seconds: 40,
      keystrokes: 100,
      echoP50Ms: 5,
      echoP99Ms: 5,
      serverCpuCores: 0.1,
      engineCpuCores: 0.05,
      serverLagP99Ms: 12,
      generatorLagP99Ms: 8,
    });
    expect(step(25, 5).steady).toBeNull();
  });

  it("holds a step only within every service level, and counts held steps up to the first miss", () => {
    expect(step(25, 60).missed).toEqual(["echo p99 > 50 ms"]);
    expect(step(25, 5, { checkMs: 2500 }).missed).toEqual(["Check p95 > 2000 ms"]);
    expect(step(25, 5, { errors: 1 }).missed).toEqual(["1 errors"]);
    expect(learnersHeld([step(25, 5), step(50, 5), step(100, 80), step(200, 5)])).toBe(50);
    expect(learnersHeld([step(25, 80)])).toBe(0);
  });

  it("advises environments, a warm pool for the arrivals during a cold start, and memory", () => {
    const advice = adviceFor(50, step(50, 5));
    expect(advice.CIRCUS_MAX_ENVIRONMENTS).toBe("50");
    // 50 arrivals over 20 s at 0.8 s per start: the pool grows to 2 while they arrive.
    expect(advice.CIRCUS_WARM_POOL_MAX).toBe("2");
    expect(advice.memory).toContain("20 MiB each");
  });
});
