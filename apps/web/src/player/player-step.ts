// What the player knows about each step of its scenario, prepared on the server (rendered, sanitized
// HTML and quiz questions without their answers) and handed to the client components.

export type PlayerQuiz =
  | { id: string; kind: "single" | "multiple"; question: string; choices: string[] }
  | { id: string; kind: "text"; question: string };

export interface PlayerStep {
  index: number;
  title: string;
  /** Sanitized HTML from renderMarkdown, with port links pointing at this run's previews. */
  html: string;
  hasCheck: boolean;
  hasSolution: boolean;
  /** Sanitized HTML of the step's hint, shown with a failed check. */
  hintHtml?: string;
  quizzes: PlayerQuiz[];
}

export interface PlayerEditor {
  host: string;
  root: string;
  open: string[];
}

/** The address of a port preview: `/preview/<runId>/<host>/<port>/<path>`. */
export function previewUrl(runId: string, host: string, port: number, path = "/"): string {
  const rest = path.replace(/^\/+/, "");
  return `/preview/${encodeURIComponent(runId)}/${encodeURIComponent(host)}/${port}/${rest}`;
}
