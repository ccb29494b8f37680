// Self-tests several scenarios, at most `concurrency` at a time; reports come back in input order.
import type { ScenarioTestReport } from "./self-test-report";
import { type TestScenarioOptions, testScenario } from "./test-scenario";

export interface TestScenariosOptions extends Omit<TestScenarioOptions, "scenarioDir" | "scenario"> {
  /** Scenarios tested at once. Default 2. */
  concurrency?: number;
  /** Scenarios already loaded, by folder (skips loading them again). Default none. */
  scenarios?: ReadonlyMap<string, TestScenarioOptions["scenario"]>;
}

export async function testScenarios(
  dirs: readonly string[],
  options: TestScenariosOptions,
): Promise<ScenarioTestReport[]> {
  const { concurrency = 2, scenarios, ...shared } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const reports: ScenarioTestReport[] = new Array(dirs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < dirs.length) {
      const index = next++;
      const scenarioDir = dirs[index]!;
      const scenario = scenarios?.get(scenarioDir);
      reports[index] = await testScenario({ ...shared, scenarioDir, ...(scenario ? { scenario } : {}) });
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, dirs.length) }, () => worker()));
  return reports;
}
