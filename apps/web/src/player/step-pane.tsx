"use client";
// The instructions side: step list with progress, the current step's rendered HTML with clickable
// actions, Check (with the hint when it fails), Show solution, quizzes, and Next gated by the check.
import dynamic from "next/dynamic";
import { type KeyboardEvent, type MouseEvent, type RefObject, useEffect, useRef, useState } from "react";
import { type PageAction, readAction } from "./actions";
import type { PlayerStep } from "./player-step";
import { checkStep, fetchSolution, getRun, nextStep, showStep, submitQuiz } from "./run-api";
import type { RunView } from "./run-view";

// Only steps with a quiz load its form.
const QuizForm = dynamic(() => import("./quiz-form").then((module) => module.QuizForm));

export interface StepPaneProps {
  run: RunView;
  steps: PlayerStep[];
  onRunChange: (run: RunView) => void;
  onAction: (action: PageAction) => void;
  /** What an action element does, as its accessible name ("Run in node1: ls /"). */
  describeAction: (action: PageAction) => string;
  /** Move focus to the step's heading when it shows (after Next, whose button goes with the old step). */
  focusHeading?: boolean;
}

type CheckState = { state: "idle" | "checking" } | { state: "passed" } | { state: "failed"; hint?: string };

export function StepPane({ run, steps, onRunChange, onAction, describeAction, focusHeading }: StepPaneProps) {
  const index = run.currentStep;
  const step = steps[index];
  const completed = run.steps[index]?.completed ?? false;
  const [check, setCheck] = useState<CheckState>({ state: "idle" });
  const [solution, setSolution] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [advancing, setAdvancing] = useState(false);
  const contentRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const prepared = useShowStep(run.id, index, onAction);
  useFocusableActions(contentRef, step?.html, describeAction);
  useEffect(() => {
    if (focusHeading) headingRef.current?.focus();
  }, [focusHeading]);

  if (!step) return null;
  const gated = step.hasCheck || step.quizzes.length > 0;
  const canAdvance = completed || !gated;
  const last = index === steps.length - 1;

  const refresh = async () => onRunChange(await getRun(run.id));
  const runCheck = async () => {
    if (check.state === "checking") return;
    setCheck({ state: "checking" });
    setError(undefined);
    try {
      const result = await checkStep(run.id, index);
      setCheck(result.passed ? { state: "passed" } : { state: "failed", hint: result.hint ?? undefined });
      if (result.passed) await refresh();
    } catch (failure) {
      setCheck({ state: "idle" });
      setError(messageOf(failure));
    }
  };
  const advance = async () => {
    setAdvancing(true);
    setError(undefined);
    try {
      onRunChange(await nextStep(run.id));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setAdvancing(false);
    }
  };
  const actOn = (target: EventTarget) => {
    const element = target instanceof Element ? target.closest<HTMLElement>("[data-circus-action]") : null;
    const action = element ? readAction(element.dataset, element.textContent ?? "") : undefined;
    if (action) onAction(action);
  };

  return (
    <div className="step-pane">
      <nav aria-label="Steps" className="step-list">
        <p className="step-count">
          Step {index + 1} of {steps.length}
        </p>
        <ol>
          {run.steps.map((entry) => (
            <li
              key={entry.index}
              aria-current={entry.index === index ? "step" : undefined}
              data-completed={entry.completed ? "true" : undefined}
            >
              {entry.title || `Step ${entry.index + 1}`}
              {entry.completed ? <span className="visually-hidden"> (done)</span> : null}
            </li>
          ))}
        </ol>
      </nav>

      <article className="step" aria-labelledby="step-title" aria-busy={!prepared} data-step-ready={prepared}>
        <h2 id="step-title" ref={headingRef} tabIndex={-1}>
          {step.title || `Step ${index + 1}`}
        </h2>
        {prepared ? null : <p className="gate-note">Preparing this step…</p>}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: clicks are delegated to the action elements, which get role=button and tabindex. */}
        <div
          ref={contentRef}
          className="prose step-content"
          onClick={(event: MouseEvent) => actOn(event.target)}
          onKeyDown={(event: KeyboardEvent) => {
            if (event.key === "Enter" || event.key === " ") {
              if (event.target instanceof Element && event.target.matches("[data-circus-action]")) {
                event.preventDefault();
                actOn(event.target);
              }
            }
          }}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes the step on the server.
          dangerouslySetInnerHTML={{ __html: step.html }}
        />

        {step.quizzes.length > 0 ? (
          <QuizForm
            quizzes={step.quizzes}
            onSubmit={async (answers) => {
              const result = await submitQuiz(run.id, index, answers);
              if (result.passed) await refresh();
              return result;
            }}
          />
        ) : null}

        <div className="step-actions">
          {step.hasCheck ? (
            // aria-disabled, not disabled: a disabled button would drop the keyboard focus while it checks.
            <button type="button" onClick={runCheck} aria-disabled={check.state === "checking"}>
              {check.state === "checking" ? "Checking…" : "Check"}
            </button>
          ) : null}
          {step.hasSolution ? (
            <button
              type="button"
              className="secondary"
              onClick={async () => {
                try {
                  setSolution(await fetchSolution(run.id, index));
                } catch (failure) {
                  setError(messageOf(failure));
                }
              }}
            >
              Show solution
            </button>
          ) : null}
          <button type="button" className="primary" onClick={advance} disabled={!canAdvance || advancing}>
            {last ? "Finish" : "Next"}
          </button>
        </div>

        <div role="status" className="check-result" data-state={check.state}>
          {check.state === "passed" || (check.state === "idle" && completed && step.hasCheck) ? (
            <p className="verdict passed">Check passed.</p>
          ) : null}
          {check.state === "failed" ? (
            <div className="verdict failed">
              <p>Not yet.</p>
              {check.hint ? <p className="hint">{check.hint}</p> : null}
              {step.hintHtml ? (
                // biome-ignore lint/security/noDangerouslySetInnerHtml: the hint is sanitized markdown from the server.
                <div className="prose hint" dangerouslySetInnerHTML={{ __html: step.hintHtml }} />
              ) : null}
            </div>
          ) : null}
          {!canAdvance && check.state !== "failed" ? (
            <p className="gate-note">{step.hasCheck ? "Check your work to go on." : "Answer the quiz to go on."}</p>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {solution !== undefined ? (
          <section aria-label="Solution" className="solution">
            <h3>Solution</h3>
            <pre>
              <code>{solution}</code>
            </pre>
          </section>
        ) : null}
      </article>
    </div>
  );
}

/**
 * Tells the server the step shows (its background setup runs), typing its foreground script once per tab
 * session. True once the server answered, so the learner (and the tests) know the setup is done.
 */
function useShowStep(runId: string, index: number, onAction: (action: PageAction) => void): boolean {
  const onActionRef = useRef(onAction);
  onActionRef.current = onAction;
  const [prepared, setPrepared] = useState(false);
  useEffect(() => {
    let cancelled = false;
    setPrepared(false);
    void showStep(runId, index)
      .finally(() => {
        if (!cancelled) setPrepared(true);
      })
      .then(({ foreground }) => {
        const key = `circus.foreground.${runId}.${index}`;
        if (cancelled || !foreground || sessionStorage.getItem(key)) return;
        sessionStorage.setItem(key, "typed");
        onActionRef.current({
          kind: "exec",
          text: foreground,
          interrupt: false,
          newline: true,
          controlSequence: false,
        });
      })
      .catch(() => {
        // The step still reads fine; a failed setup shows up when the learner checks.
      });
    return () => {
      cancelled = true;
    };
  }, [runId, index]);
  return prepared;
}

/** Action elements become buttons for the keyboard and for assistive technology. */
function useFocusableActions(
  ref: RefObject<HTMLDivElement | null>,
  html: string | undefined,
  describeAction: (action: PageAction) => string,
): void {
  const describeRef = useRef(describeAction);
  describeRef.current = describeAction;
  // biome-ignore lint/correctness/useExhaustiveDependencies: new HTML means new action elements to set up.
  useEffect(() => {
    for (const element of ref.current?.querySelectorAll<HTMLElement>("[data-circus-action]") ?? []) {
      element.tabIndex = 0;
      element.setAttribute("role", "button");
      const kind = element.dataset.circusAction;
      element.title = kind === "exec" ? "Run in the terminal" : kind === "copy" ? "Copy" : "Open in the editor";
      const action = readAction(element.dataset, element.textContent ?? "");
      if (action) element.setAttribute("aria-label", describeRef.current(action));
    }
  }, [ref, html]);
}

function messageOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}
