// The answers the self-test grades each quiz with: its correct answer (which must pass) and a wrong
// one (which must fail). A pattern's correct answer is only known when the pattern is a plain literal.
import type { Quiz } from "@circus/scenario";
import { gradeQuiz, type QuizAnswer } from "../grade-quiz";

/** A text no sensible answer pattern accepts: a pattern that does is too permissive. */
export const WRONG_TEXT_ANSWER = "circus self-test: a wrong answer 7f3a9c";

export interface QuizSelfTest {
  quizId: string;
  /** Why the quiz fails the self-test; undefined when it passes. */
  problem?: string;
}

export function selfTestQuiz(quiz: Quiz): QuizSelfTest {
  const answers = answersFor(quiz);
  if ("problem" in answers) return { quizId: quiz.id, problem: answers.problem };
  if (answers.correct !== undefined && !gradeQuiz(quiz, answers.correct)) {
    return {
      quizId: quiz.id,
      problem: `quiz ${quiz.id}: its correct answer ${JSON.stringify(answers.correct)} is graded wrong`,
    };
  }
  if (gradeQuiz(quiz, answers.wrong)) {
    return {
      quizId: quiz.id,
      problem: `quiz ${quiz.id}: the wrong answer ${JSON.stringify(answers.wrong)} is graded correct`,
    };
  }
  return { quizId: quiz.id };
}

function answersFor(quiz: Quiz): { correct?: QuizAnswer; wrong: QuizAnswer } | { problem: string } {
  const correctIndexes = quiz.kind === "text" ? [] : indexesWhere(quiz.choices, true);
  switch (quiz.kind) {
    case "single": {
      const wrong = indexesWhere(quiz.choices, false)[0];
      if (correctIndexes.length !== 1) {
        return { problem: `quiz ${quiz.id}: a single-choice question needs exactly one correct choice` };
      }
      if (wrong === undefined) return { problem: `quiz ${quiz.id}: every choice is correct, so no answer is wrong` };
      return { correct: correctIndexes, wrong: [wrong] };
    }
    case "multiple": {
      // Flipping the first choice gives a set that differs from the correct one.
      const wrong = quiz.choices[0]?.correct ? correctIndexes.slice(1) : [0, ...correctIndexes];
      return { correct: correctIndexes, wrong };
    }
    case "text": {
      if (quiz.match === "exact") return { correct: quiz.answer, wrong: `${quiz.answer} ${WRONG_TEXT_ANSWER}` };
      const literal = literalOf(quiz.answer);
      return literal === undefined ? { wrong: WRONG_TEXT_ANSWER } : { correct: literal, wrong: WRONG_TEXT_ANSWER };
    }
  }
}

function indexesWhere(choices: readonly { correct: boolean }[], correct: boolean): number[] {
  return choices.flatMap((choice, index) => (choice.correct === correct ? [index] : []));
}

/** The text a pattern such as `^hello world$` or `^a\.b$` stands for; undefined when it has real syntax. */
function literalOf(pattern: string): string | undefined {
  const body = pattern.replace(/^\^/, "").replace(/(?<!\\)\$$/, "");
  if (/(?<!\\)[.*+?()[\]{}|^$]/.test(body) || /\\[A-Za-z0-9]/.test(body)) return undefined;
  const literal = body.replace(/\\(.)/g, "$1");
  return literal.trim() === "" ? undefined : literal;
}
