// Prepares a scenario's steps for the player: rendered, sanitized HTML whose port links point at this
// run's previews, and quizzes without their answers (grading stays on the server).
import { editorFilePath, editorRootOf, renderMarkdown, type Scenario, type Step } from "@circus/scenario";
import { type PlayerEditor, type PlayerQuiz, type PlayerStep, previewUrl } from "../player/player-step";

export function playerStepsFor(scenario: Scenario, runId: string): PlayerStep[] {
  const render = renderFor(scenario, runId);
  return scenario.steps.map((step, index) => ({
    index,
    title: step.title,
    html: render(step.markdown),
    hasCheck: step.verify !== undefined,
    hasSolution: step.solve !== undefined,
    hintHtml: step.hint ? render(step.hint) : undefined,
    quizzes: step.quizzes.map(questionOf),
  }));
}

/** Renders any page of the scenario (the intro, the finish) with this run's preview links. */
export function renderFor(scenario: Scenario, runId: string): (markdown: string) => string {
  const context = {
    hosts: scenario.hosts.map((host) => host.name),
    portUrl: (host: string, port: number, path?: string) => previewUrl(runId, host, port, path),
    // KataCoda's editor blocks and `files` name files relative to the editor root; the editor needs them whole.
    editorRoot: editorRootOf(scenario),
  };
  return (markdown) => renderMarkdown(markdown, context);
}

/** The scenario's editor with the files it opens first as absolute paths under its root. */
export function playerEditorFor(scenario: Scenario): PlayerEditor | undefined {
  const { editor } = scenario;
  if (!editor) return undefined;
  return { ...editor, open: editor.open.map((path) => editorFilePath(path, editor.root)) };
}

function questionOf(quiz: Step["quizzes"][number]): PlayerQuiz {
  if (quiz.kind === "text") return { id: quiz.id, kind: "text", question: quiz.question };
  return { id: quiz.id, kind: quiz.kind, question: quiz.question, choices: quiz.choices.map((choice) => choice.text) };
}
