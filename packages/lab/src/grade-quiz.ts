// Grading quiz answers. Choice questions take the indexes of the chosen choices; text questions take
// the typed text. Learner input is never trusted: anything malformed is simply a wrong answer.
import type { Quiz, Step } from "@circus/scenario";

/** A learner's answer: choice indexes (numbers or numeric strings), or the typed text. */
export type QuizAnswer = string | string[] | number[];

/** Longest text answer tested against a pattern: bounds the work of a badly written (backtracking) pattern. */
export const MAX_TEXT_ANSWER_LENGTH = 1000;

export function gradeQuiz(quiz: Quiz, answer: QuizAnswer): boolean {
  switch (quiz.kind) {
    case "single": {
      const chosen = choiceIndexes(answer, quiz.choices.length);
      return chosen?.size === 1 && quiz.choices[[...chosen][0]!]?.correct === true;
    }
    case "multiple": {
      const chosen = choiceIndexes(answer, quiz.choices.length);
      if (!chosen) return false;
      return quiz.choices.every((choice, index) => choice.correct === chosen.has(index));
    }
    case "text":
      return typeof answer === "string" && gradeText(quiz, answer);
  }
}

export interface QuizGrades {
  /** Every quiz of the step is answered correctly. */
  passed: boolean;
  results: Record<string, boolean>;
}

/** Grades every quiz of a step; a quiz without an answer is wrong. */
export function gradeStepQuizzes(step: Pick<Step, "quizzes">, answers: Record<string, QuizAnswer>): QuizGrades {
  const results: Record<string, boolean> = {};
  for (const quiz of step.quizzes) {
    const answer = Object.hasOwn(answers, quiz.id) ? answers[quiz.id] : undefined;
    results[quiz.id] = answer !== undefined && gradeQuiz(quiz, answer);
  }
  return { passed: Object.values(results).every(Boolean), results };
}

function gradeText(quiz: Extract<Quiz, { kind: "text" }>, answer: string): boolean {
  const given = answer.trim();
  if (given.length > MAX_TEXT_ANSWER_LENGTH) return false;
  if (quiz.match === "exact") {
    const expected = quiz.answer.trim();
    return quiz.caseSensitive ? given === expected : given.toLowerCase() === expected.toLowerCase();
  }
  try {
    return new RegExp(quiz.answer, quiz.caseSensitive ? "" : "i").test(given);
  } catch {
    // Validation rejects such patterns; one that slips through accepts nothing rather than crash.
    return false;
  }
}

/** The set of chosen indexes, or undefined when the answer is not a list of valid indexes. */
function choiceIndexes(answer: QuizAnswer, choiceCount: number): Set<number> | undefined {
  const items: (string | number)[] = typeof answer === "string" ? [answer] : answer;
  const indexes = new Set<number>();
  for (const item of items) {
    const index = typeof item === "number" ? item : /^\d{1,4}$/.test(item.trim()) ? Number(item.trim()) : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index >= choiceCount) return undefined;
    indexes.add(index);
  }
  return indexes;
}
