import type { Quiz } from "@circus/scenario";
import { describe, expect, it } from "vitest";
import { gradeQuiz, gradeStepQuizzes, MAX_TEXT_ANSWER_LENGTH } from "./grade-quiz";

const source = { file: "step.md", line: 1, column: 1 };
const single: Quiz = {
  kind: "single",
  id: "q1",
  question: "Which command prints the host name?",
  choices: [
    { text: "whoami", correct: false },
    { text: "hostname", correct: true },
    { text: "pwd", correct: false },
  ],
  source,
};
const multiple: Quiz = {
  kind: "multiple",
  id: "q2",
  question: "Which commands write or read files?",
  choices: [
    { text: "echo", correct: true },
    { text: "cat", correct: true },
    { text: "rm", correct: false },
  ],
  source,
};
const exact = (caseSensitive = false): Quiz => ({
  kind: "text",
  id: "q3",
  question: "What does the file hold?",
  match: "exact",
  answer: "Hello, Circus",
  caseSensitive,
  source,
});
const pattern = (answer: string, caseSensitive = false): Quiz => ({
  kind: "text",
  id: "q4",
  question: "Which extension?",
  match: "pattern",
  answer,
  caseSensitive,
  source,
});

describe("gradeQuiz: single choice", () => {
  it("accepts the index of the correct choice, as a number or a numeric string", () => {
    expect(gradeQuiz(single, [1])).toBe(true);
    expect(gradeQuiz(single, "1")).toBe(true);
    expect(gradeQuiz(single, ["1"])).toBe(true);
  });

  it("refuses a wrong choice, several choices, none, or indexes that do not exist", () => {
    expect(gradeQuiz(single, [0])).toBe(false);
    expect(gradeQuiz(single, [1, 2])).toBe(false);
    expect(gradeQuiz(single, [])).toBe(false);
    expect(gradeQuiz(single, [3])).toBe(false);
    expect(gradeQuiz(single, [-1])).toBe(false);
    expect(gradeQuiz(single, [1.5])).toBe(false);
    expect(gradeQuiz(single, "hostname")).toBe(false);
  });
});

describe("gradeQuiz: multiple choice", () => {
  it("passes only when the chosen set equals the correct set, in any order", () => {
    expect(gradeQuiz(multiple, [0, 1])).toBe(true);
    expect(gradeQuiz(multiple, [1, 0])).toBe(true);
    expect(gradeQuiz(multiple, ["0", "1"])).toBe(true);
    expect(gradeQuiz(multiple, [1, 0, 1])).toBe(true);
  });

  it("fails on a subset, a superset, or an out-of-range index", () => {
    expect(gradeQuiz(multiple, [0])).toBe(false);
    expect(gradeQuiz(multiple, [0, 1, 2])).toBe(false);
    expect(gradeQuiz(multiple, [0, 1, 7])).toBe(false);
    expect(gradeQuiz(multiple, [])).toBe(false);
  });
});

describe("gradeQuiz: text", () => {
  it("compares exact answers trimmed and case-insensitively by default", () => {
    expect(gradeQuiz(exact(), "  hello, circus \n")).toBe(true);
    expect(gradeQuiz(exact(), "Hello Circus")).toBe(false);
  });

  it("compares case when the quiz is caseSensitive", () => {
    expect(gradeQuiz(exact(true), "Hello, Circus")).toBe(true);
    expect(gradeQuiz(exact(true), "hello, circus")).toBe(false);
  });

  it("tests patterns as regular expressions against the trimmed answer", () => {
    const quiz = pattern("^\\.?ya?ml$");
    expect(gradeQuiz(quiz, " .yaml ")).toBe(true);
    expect(gradeQuiz(quiz, "YML")).toBe(true);
    expect(gradeQuiz(quiz, "json")).toBe(false);
    expect(gradeQuiz(pattern("^yaml$", true), "YAML")).toBe(false);
  });

  it("refuses answers longer than the cap, so a backtracking pattern cannot run for long", () => {
    const quiz = pattern("^(a+)+$");
    expect(gradeQuiz(quiz, "a".repeat(MAX_TEXT_ANSWER_LENGTH))).toBe(true);
    expect(gradeQuiz(quiz, `${"a".repeat(MAX_TEXT_ANSWER_LENGTH)}!`)).toBe(false);
    expect(gradeQuiz(exact(), `Hello, Circus${" ".repeat(2000)}`)).toBe(true);
  });

  it("treats a list answer or an invalid pattern as wrong instead of throwing", () => {
    expect(gradeQuiz(exact(), ["Hello, Circus"])).toBe(false);
    expect(gradeQuiz(pattern("(unclosed"), "(unclosed")).toBe(false);
  });
});

describe("gradeStepQuizzes", () => {
  it("passes only when every quiz of the step is right, and reports each", () => {
    const step = { quizzes: [single, multiple, exact()] };
    expect(gradeStepQuizzes(step, { q1: [1], q2: [0, 1], q3: "hello, circus" })).toEqual({
      passed: true,
      results: { q1: true, q2: true, q3: true },
    });
    expect(gradeStepQuizzes(step, { q1: [1], q2: [0] })).toEqual({
      passed: false,
      results: { q1: true, q2: false, q3: false },
    });
  });

  it("ignores answers for quizzes the step does not have, including prototype keys", () => {
    const answers = JSON.parse('{"__proto__": [1], "other": "x"}');
    expect(gradeStepQuizzes({ quizzes: [single] }, answers)).toEqual({ passed: false, results: { q1: false } });
  });
});
