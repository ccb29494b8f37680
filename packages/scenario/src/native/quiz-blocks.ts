// Reads a ```quiz block (YAML: question, type, choices marked "[x] "/"[ ] ", or answer/pattern)
// into a model quiz, checking that the question can actually be answered.
import { z } from "zod";
import { error, warning } from "../diagnostics";
import type { Diagnostic, Quiz, QuizChoice } from "../model";
import { checkFields } from "./field-issues";
import type { HiddenBlock } from "./hidden-blocks";
import { parseYamlBlock } from "./yaml-block";

const QuizInput = z.strictObject(
  {
    question: z.string({ error: "a question" }).trim().min(1, { error: "a question" }),
    type: z.enum(["single", "multiple", "text"], { error: "one of single, multiple, text" }).optional(),
    choices: z
      .array(z.union([z.string(), z.number()]).transform(String), { error: 'a list like ["[x] right", "[ ] wrong"]' })
      .optional(),
    answer: z.union([z.string(), z.number()], { error: "the exact answer text" }).transform(String).optional(),
    pattern: z.string({ error: "a regular expression" }).optional(),
    case_sensitive: z.boolean({ error: "true or false" }).optional(),
  },
  { error: "YAML fields: `question`, `type`, then `choices` or `answer`/`pattern`" },
);

const CHOICE = /^\[([xX ])\]\s+(.*)$/;

export interface QuizBlockResult {
  quiz?: Quiz;
  diagnostics: Diagnostic[];
}

export function parseQuizBlock(block: HiddenBlock, file: string, id: string): QuizBlockResult {
  const yaml = parseYamlBlock(block.text, file, block.contentLine);
  const blockAt = { file, line: block.line, column: block.column };
  if (yaml.diagnostics.some((d) => d.severity === "error")) return { diagnostics: yaml.diagnostics };
  const checked = checkFields(QuizInput, { ...yaml, value: yaml.value ?? {} });
  const diagnostics = [...yaml.diagnostics, ...checked.diagnostics];
  const input = checked.value;
  if (!input) return { diagnostics };
  const source = { file, line: block.line, column: block.column };
  const choices: QuizChoice[] = [];
  (input.choices ?? []).forEach((choice, index) => {
    const marked = CHOICE.exec(choice.trim());
    if (marked) choices.push({ text: marked[2]!.trim(), correct: marked[1] !== " " });
    else {
      diagnostics.push(
        error(
          "quiz-choice-unmarked",
          `choice "${choice}" is not marked right or wrong`,
          { file, ...yaml.locate(["choices", index]) },
          'start it with "[x] " if it is right or "[ ] " if it is wrong',
        ),
      );
    }
  });
  const type =
    input.type ?? (input.choices ? (choices.filter((c) => c.correct).length > 1 ? "multiple" : "single") : "text");
  if (type === "text") {
    if (input.choices)
      diagnostics.push(
        warning(
          "quiz-field-ignored",
          "a text question ignores `choices`",
          { file, ...yaml.locateKey([], "choices") },
          "remove `choices`, or set `type: single` or `type: multiple`",
        ),
      );
    if ((input.answer === undefined) === (input.pattern === undefined)) {
      diagnostics.push(
        error(
          "quiz-answer-missing",
          "a text question needs exactly one of `answer` or `pattern`",
          blockAt,
          "add `answer: the exact text` or `pattern: a regular expression`, not both",
        ),
      );
      return { diagnostics };
    }
    if (input.pattern !== undefined && !compiles(input.pattern)) {
      diagnostics.push(
        error(
          "quiz-pattern-invalid",
          `\`pattern\` is not a valid regular expression: ${input.pattern}`,
          { file, ...yaml.locate(["pattern"]) },
          "fix the regular expression (JavaScript syntax)",
        ),
      );
      return { diagnostics };
    }
    const match = input.pattern !== undefined ? "pattern" : "exact";
    const answer = (input.pattern ?? input.answer)!;
    return {
      diagnostics,
      quiz: {
        kind: "text",
        id,
        question: input.question,
        match,
        answer,
        caseSensitive: input.case_sensitive ?? false,
        source,
      },
    };
  }
  for (const field of ["answer", "pattern", "case_sensitive"] as const) {
    if (input[field] !== undefined)
      diagnostics.push(
        warning(
          "quiz-field-ignored",
          `a ${type} choice question ignores \`${field}\``,
          { file, ...yaml.locateKey([], field) },
          `remove \`${field}\`, or set \`type: text\``,
        ),
      );
  }
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const correct = choices.filter((c) => c.correct).length;
  if (choices.length < 2) {
    diagnostics.push(
      error(
        "quiz-choices-missing",
        `a ${type} choice question needs at least two choices`,
        blockAt,
        'list them under `choices:`, marked "[x] " (right) or "[ ] " (wrong)',
      ),
    );
  } else if (type === "single" && correct !== 1) {
    diagnostics.push(
      error(
        "quiz-correct-count",
        `a single choice question needs exactly one right choice, this one has ${correct}`,
        { file, ...yaml.locateKey([], "choices") },
        'mark exactly one choice with "[x] ", or set `type: multiple`',
      ),
    );
  } else if (type === "multiple" && correct === 0) {
    diagnostics.push(
      error(
        "quiz-correct-count",
        "a multiple choice question needs at least one right choice",
        { file, ...yaml.locateKey([], "choices") },
        'mark the right choices with "[x] "',
      ),
    );
  }
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { diagnostics, quiz: { kind: type, id, question: input.question, choices, source } };
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
