// The intro, steps and finish of an index.json scenario: their markdown files, the scripts that run
// with them (KataCoda courseData/code, Killercoda background/foreground, verify), hints, answers, quizzes.
import type { z } from "zod";
import { error, type Location, warning } from "../diagnostics";
import { pageLimitDiagnostic } from "../markdown/page-limits";
import type { Diagnostic, PageSchema, ScriptSchema, SourceRef, StepSchema } from "../model";
import type { JsonPath } from "./index-json-document";
import type { KatacodaIndex, PageEntry, StepEntry } from "./index-json-schema";
import { parseKatacodaQuizzes } from "./parse-katacoda-quizzes";
import type { ScenarioFolder } from "./scenario-folder";
import { formatJsonPath } from "./zod-issue-diagnostics";

export type PageInput = z.input<typeof PageSchema>;
export type StepInput = z.input<typeof StepSchema>;
type ScriptInput = z.input<typeof ScriptSchema>;

export interface PagesInputs {
  index: KatacodaIndex;
  folder: ScenarioFolder;
  locateValue: (path: JsonPath) => Location;
}

/** A hint value that looks like a file name is read from that file; anything else is the hint text. */
const HINT_FILE = /^[\w./-]+\.(?:md|markdown|txt)$/i;

export async function readKatacodaPages({ index, folder, locateValue }: PagesInputs): Promise<{
  intro: PageInput;
  steps: StepInput[];
  finish: PageInput;
  diagnostics: Diagnostic[];
}> {
  const diagnostics: Diagnostic[] = [];
  const details = index.details ?? {};

  /** Reads a file named at `path` in index.json; reports it missing in terms of the page that names it. */
  const readReferenced = async (owner: string, path: JsonPath, reference: string) => {
    const reading = await folder.read(reference);
    if (reading.ok) return reading;
    const where = formatJsonPath(path);
    const at = locateValue(path);
    if (reading.reason === "outside") {
      diagnostics.push(
        error(
          "file-outside-scenario",
          `${owner}: ${where} "${reference}" points outside the scenario folder`,
          at,
          "use a path relative to the folder that holds index.json",
        ),
      );
    } else {
      const what = reading.reason === "missing" ? "does not exist" : "is not a file";
      diagnostics.push(
        error(
          "file-missing",
          `${owner}: ${where} names ${reading.path}, which ${what}`,
          at,
          `create ${reading.path} in the scenario folder or correct ${where}`,
        ),
      );
    }
    return undefined;
  };

  const readScript = async (owner: string, path: JsonPath, reference: string): Promise<ScriptInput | undefined> => {
    const reading = await readReferenced(owner, path, reference);
    if (!reading) return undefined;
    return { script: reading.text, source: { file: reading.path, line: 1, column: 1 } };
  };

  /** KataCoda and Killercoda name the same role differently; both at once is ambiguous. */
  const pickScript = async (
    owner: string,
    base: JsonPath,
    entry: PageEntry,
    katacodaKey: "courseData" | "code",
    killercodaKey: "background" | "foreground",
  ) => {
    const katacoda = entry[katacodaKey];
    const killercoda = entry[killercodaKey];
    if (katacoda && killercoda) {
      diagnostics.push(
        error(
          "script-conflict",
          `${owner}: both ${katacodaKey} and ${killercodaKey} are set; they are the same role`,
          locateValue([...base, katacodaKey]),
          `keep only one of ${katacodaKey} (KataCoda) and ${killercodaKey} (Killercoda)`,
        ),
      );
      return undefined;
    }
    if (katacoda) return readScript(owner, [...base, katacodaKey], katacoda);
    if (killercoda) return readScript(owner, [...base, killercodaKey], killercoda);
    return undefined;
  };

  const readPage = async (owner: string, base: JsonPath, entry: PageEntry, title: string) => {
    let markdown = "";
    const declaredAt = locateValue(base);
    let source: SourceRef = { file: declaredAt.file, line: declaredAt.line ?? 1, column: declaredAt.column ?? 1 };
    if (entry.text) {
      const reading = await readReferenced(owner, [...base, "text"], entry.text);
      if (reading) {
        source = { file: reading.path, line: 1, column: 1 };
        markdown = reading.text.replace(/^\uFEFF/, "");
        // A page over the limits is shown as nothing, so no parser ever sees it; the error stops the load.
        const overLimit = pageLimitDiagnostic(markdown, source);
        if (overLimit) {
          diagnostics.push(overLimit);
          markdown = "";
        }
      }
    }
    const setup = await pickScript(owner, base, entry, "courseData", "background");
    const foreground = await pickScript(owner, base, entry, "code", "foreground");
    return {
      title,
      markdown,
      source,
      ...(setup ? { setup } : {}),
      ...(foreground ? { foreground } : {}),
    } satisfies PageInput;
  };

  const intro = await readPage(
    "intro",
    ["details", "intro"],
    details.intro ?? {},
    details.intro?.title ?? "Introduction",
  );
  const finish = await readPage(
    "finish",
    ["details", "finish"],
    details.finish ?? {},
    details.finish?.title ?? "Finish",
  );

  const steps: StepInput[] = [];
  const entries: readonly StepEntry[] = details.steps ?? [];
  for (const [position, entry] of entries.entries()) {
    const base: JsonPath = ["details", "steps", position];
    const title = entry.title?.trim() || `Step ${position + 1}`;
    const owner = `step ${position + 1} ("${title}")`;
    if (!entry.title?.trim()) {
      diagnostics.push(
        warning(
          "step-title-missing",
          `${owner}: details.steps[${position}] has no title`,
          locateValue(base),
          'add "title": "..."',
        ),
      );
    }
    const page = await readPage(owner, base, entry, title);
    const quizScan = parseKatacodaQuizzes(page.markdown, page.source);
    diagnostics.push(...quizScan.diagnostics);
    const step: StepInput = { ...page, markdown: quizScan.markdown, quizzes: quizScan.quizzes };

    if (entry.verify) {
      const verify = await readScript(owner, [...base, "verify"], entry.verify);
      // KataCoda's checks passed when the script printed "done"; Killercoda's when it exits 0. Both hold.
      if (verify) step.verify = { ...verify, passOnDone: true };
    }
    if (entry.hint) {
      if (HINT_FILE.test(entry.hint.trim())) {
        const reading = await readReferenced(owner, [...base, "hint"], entry.hint.trim());
        if (reading) step.hint = reading.text;
      } else {
        step.hint = entry.hint;
      }
    }
    if (entry.answer) {
      step.quizzes = [
        ...(step.quizzes ?? []),
        {
          kind: "text",
          id: "answer",
          question: title,
          match: "exact",
          answer: entry.answer.trim(),
          caseSensitive: false,
          source: locateValue([...base, "answer"]),
        },
      ];
    }
    steps.push(step);
  }
  return { intro, steps, finish, diagnostics };
}
