"use client";
// The quizzes of a step: radio buttons (one answer), checkboxes (several) or a text field, submitted
// together and graded by the server, which answers per question.
import { type FormEvent, useState } from "react";
import type { PlayerQuiz } from "./player-step";
import type { QuizResult } from "./run-view";

type Answer = string | number[];

export function QuizForm({
  quizzes,
  onSubmit,
}: {
  quizzes: PlayerQuiz[];
  onSubmit: (answers: Record<string, Answer>) => Promise<QuizResult>;
}) {
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [result, setResult] = useState<QuizResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      setResult(await onSubmit(answers));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (quizId: string, index: number, checked: boolean) => {
    const chosen = new Set(Array.isArray(answers[quizId]) ? (answers[quizId] as number[]) : []);
    if (checked) chosen.add(index);
    else chosen.delete(index);
    setAnswers({ ...answers, [quizId]: [...chosen].sort((a, b) => a - b) });
  };

  return (
    <form className="quiz" onSubmit={submit} aria-label="Quiz">
      {quizzes.map((quiz, number) => {
        const verdict = result?.results[quiz.id];
        return (
          <fieldset
            key={quiz.id}
            className="quiz-question"
            data-result={verdict === undefined ? undefined : String(verdict)}
          >
            <legend>
              {number + 1}. {quiz.question}
            </legend>
            {quiz.kind === "text" ? (
              <input
                type="text"
                aria-label={quiz.question}
                maxLength={1000}
                value={typeof answers[quiz.id] === "string" ? (answers[quiz.id] as string) : ""}
                onChange={(event) => setAnswers({ ...answers, [quiz.id]: event.target.value })}
              />
            ) : (
              quiz.choices.map((choice, index) => (
                <label key={`${quiz.id}-${choice}`} className="quiz-choice">
                  <input
                    type={quiz.kind === "single" ? "radio" : "checkbox"}
                    name={quiz.id}
                    value={index}
                    checked={Array.isArray(answers[quiz.id]) && (answers[quiz.id] as number[]).includes(index)}
                    onChange={(event) =>
                      quiz.kind === "single"
                        ? setAnswers({ ...answers, [quiz.id]: [index] })
                        : toggle(quiz.id, index, event.target.checked)
                    }
                  />
                  {choice}
                </label>
              ))
            )}
            {verdict === undefined ? null : (
              <p className={verdict ? "verdict passed" : "verdict failed"}>{verdict ? "Correct" : "Not quite"}</p>
            )}
          </fieldset>
        );
      })}
      <div className="step-actions">
        <button type="submit" aria-disabled={busy}>
          {busy ? "Submitting…" : "Submit answers"}
        </button>
        <p role="status" className="check-result">
          {error ?? (result ? (result.passed ? "All answers are correct." : "Some answers are not right yet.") : "")}
        </p>
      </div>
    </form>
  );
}
