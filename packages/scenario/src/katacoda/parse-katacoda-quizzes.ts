// KataCoda's quiz syntax in step markdown: `>>Q1: question<<` followed by `=== answer`,
// `=~= regex`, `[*]`/`[ ]` (multiple choice) or `(*)`/`( )` (single choice) lines.
// The quiz lines become Quiz objects and blank lines in the markdown, so later line numbers still hold.
import { error, warning } from "../diagnostics";
import type { Diagnostic, Quiz, QuizChoice, SourceRef } from "../model";

export interface KatacodaQuizParse {
  /** The markdown with every quiz line replaced by an empty line. */
  markdown: string;
  quizzes: Quiz[];
  diagnostics: Diagnostic[];
}

const QUESTION = /^\s*>>\s*(?:(Q\d+)\s*:)?\s*(.*?)\s*<<\s*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

type TextAnswerLine = { kind: "exact" | "pattern"; text: string; index: number; column: number };
type AnswerLine = TextAnswerLine | { kind: "multiple" | "single"; choice: QuizChoice; index: number; column: number };

export function parseKatacodaQuizzes(markdown: string, source: SourceRef): KatacodaQuizParse {
  const lines = markdown.split("\n");
  const quizzes: Quiz[] = [];
  const diagnostics: Diagnostic[] = [];
  const usedIds = new Set<string>();
  const at = (index: number, column: number) => ({
    file: source.file,
    line: source.line + index,
    column: index === 0 ? source.column + column - 1 : column,
  });
  const blank = (index: number) => {
    lines[index] = lines[index]!.endsWith("\r") ? "\r" : "";
  };

  let fence: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    const question = fence === undefined ? QUESTION.exec(line.replace(/\r$/, "")) : null;
    if (!question || question[2] === "") continue;

    const answers: AnswerLine[] = [];
    let next = index + 1;
    for (; next < lines.length; next++) {
      const text = lines[next]!.replace(/\r$/, "");
      if (text.trim() === "") continue;
      const answer = readAnswerLine(text, next);
      if (!answer) break;
      answers.push(answer);
    }
    const lastAnswer = answers.at(-1)?.index ?? index;
    for (let removed = index; removed <= lastAnswer; removed++) blank(removed);

    let id = question[1] ?? `Q${quizzes.length + 1}`;
    if (usedIds.has(id.toLowerCase())) {
      const unique = `${id}-${index + source.line}`;
      diagnostics.push(
        warning(
          "quiz-duplicate-id",
          `quiz id ${id} is used twice on this page; this one is called ${unique}`,
          at(index, 1),
          "number the quizzes Q1, Q2, ...",
        ),
      );
      id = unique;
    }
    usedIds.add(id.toLowerCase());
    const built = buildQuiz(id, question[2]!, answers, at(index, line.indexOf(">>") + 1), at);
    diagnostics.push(...built.diagnostics);
    if (built.quiz) quizzes.push(built.quiz);
    index = lastAnswer;
  }
  return { markdown: lines.join("\n"), quizzes, diagnostics };
}

function readAnswerLine(text: string, index: number): AnswerLine | undefined {
  const indent = text.length - text.trimStart().length;
  const column = indent + 1;
  const exact = /^===(?!=)\s?(.*)$/.exec(text.trimStart());
  if (exact) return { kind: "exact", text: exact[1]!.trim(), index, column };
  const pattern = /^=~=\s*(.*)$/.exec(text.trimStart());
  if (pattern) {
    const patternStart = text.length - pattern[1]!.length;
    return { kind: "pattern", text: pattern[1]!.trim(), index, column: patternStart + 1 };
  }
  const multiple = /^\[([ *xX]?)\]\s+(.*)$/.exec(text.trimStart());
  if (multiple) {
    return {
      kind: "multiple",
      choice: { text: multiple[2]!.trim(), correct: multiple[1]!.trim() !== "" },
      index,
      column,
    };
  }
  const single = /^\(([ *]?)\)\s+(.*)$/.exec(text.trimStart());
  if (single) {
    return { kind: "single", choice: { text: single[2]!.trim(), correct: single[1] === "*" }, index, column };
  }
  return undefined;
}

type At = (index: number, column: number) => SourceRef;

function buildQuiz(
  id: string,
  question: string,
  answers: readonly AnswerLine[],
  source: SourceRef,
  at: At,
): { quiz?: Quiz; diagnostics: Diagnostic[] } {
  const first = answers[0];
  if (!first) {
    return fail(
      error(
        "quiz-no-answer",
        `quiz ${id} has no answer lines after its question`,
        source,
        "add `=== answer`, `=~= regex`, `[*]`/`[ ]` or `(*)`/`( )` lines right below the question",
      ),
    );
  }
  const group = first.kind === "pattern" ? "exact" : first.kind;
  const stranger = answers.find((answer) => (answer.kind === "pattern" ? "exact" : answer.kind) !== group);
  if (stranger) {
    return fail(
      error(
        "quiz-mixed-kinds",
        `quiz ${id} mixes answer kinds (${first.kind} and ${stranger.kind})`,
        at(stranger.index, stranger.column),
        "use one kind of answer line per quiz",
      ),
    );
  }

  if (first.kind === "exact" || first.kind === "pattern") {
    const texts = answers.filter(
      (answer): answer is TextAnswerLine => answer.kind === "exact" || answer.kind === "pattern",
    );
    const problems: Diagnostic[] = [];
    for (const answer of texts) {
      if (answer.text === "") {
        problems.push(
          error(
            "quiz-empty-answer",
            `quiz ${id} has an empty answer line`,
            at(answer.index, answer.column),
            "write the expected answer after `===` or `=~=`",
          ),
        );
      } else if (answer.kind === "pattern") {
        const problem = regexProblem(answer.text);
        if (problem) {
          problems.push(
            error(
              "quiz-bad-pattern",
              `quiz ${id}: the pattern /${answer.text}/ is not a valid regular expression: ${problem}`,
              at(answer.index, answer.column),
              "fix the regular expression (JavaScript syntax), or use `=== exact answer`",
            ),
          );
        }
      }
    }
    if (problems.length > 0) return { diagnostics: problems };
    const only = texts.length === 1 ? texts[0] : undefined;
    if (only) {
      return {
        quiz: { kind: "text", id, question, match: only.kind, answer: only.text, caseSensitive: false, source },
        diagnostics: [],
      };
    }
    // Several accepted answers become one pattern: exact ones anchored and escaped.
    const pattern = texts
      .map((answer) => (answer.kind === "exact" ? `^${escapeRegExp(answer.text)}$` : `(?:${answer.text})`))
      .join("|");
    return {
      quiz: { kind: "text", id, question, match: "pattern", answer: pattern, caseSensitive: false, source },
      diagnostics: [],
    };
  }

  const choices = answers.flatMap((answer) => ("choice" in answer ? [answer.choice] : []));
  const correct = choices.filter((choice) => choice.correct).length;
  const marker = first.kind === "single" ? "(*)" : "[*]";
  if (choices.length < 2) {
    return fail(
      error(
        "quiz-too-few-choices",
        `quiz ${id} has only one choice`,
        source,
        `list at least two choice lines, marking the correct ones ${marker}`,
      ),
    );
  }
  if (correct === 0) {
    return fail(
      error(
        "quiz-no-correct-choice",
        `quiz ${id} has no correct choice`,
        source,
        `mark the correct choice with ${marker}`,
      ),
    );
  }
  if (first.kind === "single" && correct > 1) {
    return fail(
      error(
        "quiz-single-many-correct",
        `quiz ${id} is single choice but marks ${correct} choices correct`,
        source,
        "mark exactly one (*), or use [*]/[ ] lines for multiple choice",
      ),
    );
  }
  return { quiz: { kind: first.kind, id, question, choices, source }, diagnostics: [] };
}

function fail(diagnostic: Diagnostic): { diagnostics: Diagnostic[] } {
  return { diagnostics: [diagnostic] };
}

function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return message.slice(message.lastIndexOf(": ") + 1).trim();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
