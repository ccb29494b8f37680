import { describe, expect, it } from "vitest";
import { parseKatacodaQuizzes } from "./parse-katacoda-quizzes";

const at = { file: "step2.md", line: 1, column: 1 };

describe("parseKatacodaQuizzes", () => {
  it("reads an exact-answer quiz and blanks its lines, keeping the line count", () => {
    const markdown = "Intro\n\n>>Q1: Which command lists files?<<\n=== ls \n\nAfter\n";
    const result = parseKatacodaQuizzes(markdown, at);
    expect(result.quizzes).toEqual([
      {
        kind: "text",
        id: "Q1",
        question: "Which command lists files?",
        match: "exact",
        answer: "ls",
        caseSensitive: false,
        source: { file: "step2.md", line: 3, column: 1 },
      },
    ]);
    expect(result.markdown).toBe("Intro\n\n\n\n\nAfter\n");
    expect(result.markdown.split("\n")).toHaveLength(markdown.split("\n").length);
    expect(result.diagnostics).toEqual([]);
  });

  it("reads a regular-expression answer", () => {
    const result = parseKatacodaQuizzes(">>Q2: A pod name?<<\n=~= ^web-[a-z0-9]+$\n", at);
    expect(result.quizzes[0]).toMatchObject({ kind: "text", match: "pattern", answer: "^web-[a-z0-9]+$" });
  });

  it("joins several accepted answers into one anchored pattern", () => {
    const result = parseKatacodaQuizzes(">>Q1: List files?<<\n=== ls\n=== ls -l\n=~= dir.*\n", at);
    expect(result.quizzes[0]).toMatchObject({ match: "pattern", answer: "^ls$|^ls -l$|(?:dir.*)" });
  });

  it("reads multiple choice ([*]/[ ]) and single choice ((*)/( ))", () => {
    const markdown = [
      ">>Q3: Container runtimes?<<",
      "[*] containerd",
      "[ ] nginx",
      "[*] CRI-O",
      "",
      ">>Q4: HTTP port?<<",
      "( ) 443",
      "(*) 80",
    ].join("\n");
    const result = parseKatacodaQuizzes(markdown, at);
    expect(result.quizzes).toEqual([
      {
        kind: "multiple",
        id: "Q3",
        question: "Container runtimes?",
        choices: [
          { text: "containerd", correct: true },
          { text: "nginx", correct: false },
          { text: "CRI-O", correct: true },
        ],
        source: { file: "step2.md", line: 1, column: 1 },
      },
      {
        kind: "single",
        id: "Q4",
        question: "HTTP port?",
        choices: [
          { text: "443", correct: false },
          { text: "80", correct: true },
        ],
        source: { file: "step2.md", line: 6, column: 1 },
      },
    ]);
    expect(result.markdown).toBe("\n\n\n\n\n\n\n");
  });

  it("offsets positions by where the markdown starts", () => {
    const result = parseKatacodaQuizzes("text\n  >>Q1: Q?<<\n[ ] a\n[ ] b\n", {
      file: "index.md",
      line: 10,
      column: 1,
    });
    expect(result.diagnostics).toEqual([
      {
        severity: "error",
        code: "quiz-no-correct-choice",
        message: "quiz Q1 has no correct choice",
        fix: "mark the correct choice with [*]",
        file: "index.md",
        line: 11,
        column: 3,
      },
    ]);
    expect(result.quizzes).toEqual([]);
  });

  it("reports a bad regular expression at the pattern's own column", () => {
    const result = parseKatacodaQuizzes(">>Q2: Log file?<<\n=~=  ^(app|web$\n", at);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "quiz-bad-pattern", file: "step2.md", line: 2, column: 6 });
    expect(result.quizzes).toEqual([]);
  });

  it("refuses a single-choice quiz with two correct choices, and one with a single choice", () => {
    const many = parseKatacodaQuizzes(">>Q1: Q?<<\n(*) a\n(*) b\n", at);
    expect(many.diagnostics.map((d) => d.code)).toEqual(["quiz-single-many-correct"]);
    const one = parseKatacodaQuizzes(">>Q1: Q?<<\n[*] a\n", at);
    expect(one.diagnostics.map((d) => d.code)).toEqual(["quiz-too-few-choices"]);
  });

  it("reports a question without answer lines and one that mixes kinds", () => {
    const none = parseKatacodaQuizzes("Text\n>>Q1: Alone?<<\nNot an answer\n", at);
    expect(none.diagnostics).toMatchObject([{ code: "quiz-no-answer", line: 2, column: 1 }]);
    expect(none.markdown).toBe("Text\n\nNot an answer\n");
    const mixed = parseKatacodaQuizzes(">>Q1: Mixed?<<\n=== yes\n[*] no\n", at);
    expect(mixed.diagnostics).toMatchObject([{ code: "quiz-mixed-kinds", line: 3, column: 1 }]);
  });

  it("numbers unlabelled quizzes and renames a duplicate id with a warning", () => {
    const result = parseKatacodaQuizzes(">>Pick one<<\n=== a\n>>Q1: Again<<\n=== b\n", at);
    expect(result.quizzes.map((quiz) => quiz.id)).toEqual(["Q1", "Q1-3"]);
    expect(result.diagnostics).toMatchObject([{ severity: "warning", code: "quiz-duplicate-id", line: 3 }]);
  });

  it("leaves quiz-like lines inside fenced code alone, and keeps CRLF line ends", () => {
    const fenced = "```\n>>Q1: not a quiz<<\n=== x\n```\n";
    expect(parseKatacodaQuizzes(fenced, at)).toEqual({ markdown: fenced, quizzes: [], diagnostics: [] });
    const crlf = parseKatacodaQuizzes("a\r\n>>Q1: Q?<<\r\n=== b\r\nc\r\n", at);
    expect(crlf.markdown).toBe("a\r\n\r\n\r\nc\r\n");
    expect(crlf.quizzes[0]).toMatchObject({ answer: "b" });
  });
});
