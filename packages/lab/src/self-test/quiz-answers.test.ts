import type { Quiz } from "@circus/scenario";
import { describe, expect, it } from "vitest";
import { selfTestQuiz } from "./quiz-answers";

const source = { file: "step.md", line: 1, column: 1 };
const text = (match: "exact" | "pattern", answer: string): Quiz => ({
  kind: "text",
  id: "t",
  question: "?",
  match,
  answer,
  caseSensitive: false,
  source,
});
const choices = (kind: "single" | "multiple", correct: boolean[]): Quiz => ({
  kind,
  id: "c",
  question: "?",
  choices: correct.map((isCorrect, index) => ({ text: `choice ${index}`, correct: isCorrect })),
  source,
});

describe("selfTestQuiz", () => {
  it("passes well-formed quizzes of every kind", () => {
    expect(selfTestQuiz(choices("single", [false, true])).problem).toBeUndefined();
    expect(selfTestQuiz(choices("multiple", [true, true, false])).problem).toBeUndefined();
    expect(selfTestQuiz(choices("multiple", [false, true])).problem).toBeUndefined();
    expect(selfTestQuiz(text("exact", "Hello, Circus")).problem).toBeUndefined();
    expect(selfTestQuiz(text("pattern", "^\\.?ya?ml$")).problem).toBeUndefined();
    expect(selfTestQuiz(text("pattern", "^hello world$")).problem).toBeUndefined();
  });

  it("fails a single-choice quiz where no answer can be wrong, or none right", () => {
    expect(selfTestQuiz(choices("single", [true, true])).problem).toMatch(/exactly one correct choice/);
    expect(selfTestQuiz(choices("single", [false, false])).problem).toMatch(/exactly one correct choice/);
  });

  it("fails a pattern that accepts anything, or whose own literal it rejects", () => {
    expect(selfTestQuiz(text("pattern", ".*")).problem).toMatch(/wrong answer .* is graded correct/);
    expect(selfTestQuiz(text("pattern", "(broken")).problem).toBeUndefined();
  });
});
