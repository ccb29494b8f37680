import type { Scenario } from "@circus/scenario";
import { describe, expect, it } from "vitest";
import { playerStepsFor } from "./player-steps";

const source = { file: "x.md", line: 1, column: 1 };
const page = (markdown: string) => ({ title: "", markdown, source });

function scenario(steps: Scenario["steps"]): Scenario {
  return {
    id: "s",
    format: "circus",
    title: "S",
    description: "",
    difficulty: "beginner",
    tags: [],
    hosts: [
      {
        name: "node1",
        image: "circus/base",
        cpus: 1,
        memoryMiB: 512,
        pids: 512,
        diskMiB: 2048,
        capabilities: [],
        env: {},
      },
      {
        name: "node2",
        image: "circus/base",
        cpus: 1,
        memoryMiB: 512,
        pids: 512,
        diskMiB: 2048,
        capabilities: [],
        env: {},
      },
    ],
    network: true,
    terminals: [],
    ports: [],
    links: [],
    intro: page("intro"),
    steps,
    finish: page("done"),
    hideIntro: false,
    hideFinish: false,
    assets: [],
  };
}

describe("playerStepsFor", () => {
  it("renders exec actions and points port links at this run's previews", () => {
    const [step] = playerStepsFor(
      scenario([
        {
          ...page("Open {{TRAFFIC_HOST2_8000}}/status\n\n```bash exec\nls\n```"),
          title: "One",
          quizzes: [],
        },
      ]),
      "run-1",
    );
    expect(step?.html).toContain('href="/preview/run-1/node2/8000/status"');
    expect(step?.html).toContain('data-circus-action="exec"');
    expect(step).toMatchObject({ index: 0, title: "One", hasCheck: false, hasSolution: false });
  });

  it("says whether a step has a check and a solution, renders its hint, and never sends quiz answers", () => {
    const script = { script: "true", timeoutSeconds: 60, source };
    const [step] = playerStepsFor(
      scenario([
        {
          ...page("text"),
          verify: { ...script, passOnDone: false },
          solve: script,
          hint: "Try **harder**",
          quizzes: [
            {
              kind: "single",
              id: "q1",
              question: "Which?",
              choices: [
                { text: "a", correct: false },
                { text: "b", correct: true },
              ],
              source,
            },
            {
              kind: "text",
              id: "q2",
              question: "Say",
              match: "exact",
              answer: "secret-answer",
              caseSensitive: false,
              source,
            },
          ],
        },
      ]),
      "r",
    );
    expect(step).toMatchObject({ hasCheck: true, hasSolution: true });
    expect(step?.hintHtml).toContain("<strong>harder</strong>");
    expect(step?.quizzes).toEqual([
      { id: "q1", kind: "single", question: "Which?", choices: ["a", "b"] },
      { id: "q2", kind: "text", question: "Say" },
    ]);
    expect(JSON.stringify(step)).not.toMatch(/correct|secret-answer/);
  });
});
