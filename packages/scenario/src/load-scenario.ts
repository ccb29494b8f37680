// Loads a scenario folder in either format into the one model, then checks what only the whole
// scenario can tell: that every action, terminal and port link points at a host that exists.
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { error, hasErrors, type LoadOutcome, warning } from "./diagnostics";
import { defaultImageMap, type ImageMap } from "./katacoda/image-map";
import { loadKatacodaScenario } from "./katacoda/load-katacoda-scenario";
import { scanDirectives } from "./markdown/scan-directives";
import type { Diagnostic, Page, Scenario, ScenarioFormat } from "./model";
import { loadNativeScenario } from "./native/load-native-scenario";

export interface LoadScenarioOptions {
  /** KataCoda `backend.imageid` to Circus image. Default: `defaultImageMap`. */
  imageMap?: ImageMap;
}

export interface LoadedScenario extends LoadOutcome {
  /** The folder as given. */
  path: string;
  format: ScenarioFormat | "unknown";
}

const NATIVE_ENTRY = "scenario.md";
const KATACODA_ENTRY = "index.json";

/**
 * Which format a folder is in, from the entry file it holds ("katacoda" for any index.json: whether it
 * is Killercoda's is told by loading it); undefined when it is not a scenario folder.
 */
export async function detectScenarioFormat(dir: string): Promise<ScenarioFormat | undefined> {
  if (await isFile(join(dir, NATIVE_ENTRY))) return "circus";
  if (await isFile(join(dir, KATACODA_ENTRY))) return "katacoda";
  return undefined;
}

export async function loadScenario(dir: string, options: LoadScenarioOptions = {}): Promise<LoadedScenario> {
  const format = await detectScenarioFormat(dir);
  if (!format) {
    return {
      path: dir,
      format: "unknown",
      diagnostics: [
        error(
          "not-a-scenario",
          `no ${NATIVE_ENTRY} or ${KATACODA_ENTRY} in ${basename(dir) || dir}`,
          { file: "." },
          `create ${NATIVE_ENTRY} (see docs/authoring.md) or point at a folder that has one`,
        ),
      ],
    };
  }
  let outcome: LoadOutcome;
  try {
    outcome =
      format === "circus"
        ? await loadNativeScenario(dir)
        : await loadKatacodaScenario(dir, { imageMap: options.imageMap ?? defaultImageMap });
  } catch (cause) {
    // A loader must report problems as diagnostics; reaching here is a bug in Circus, not in the scenario.
    const message = cause instanceof Error ? cause.message : String(cause);
    outcome = {
      diagnostics: [
        error(
          "loader-crashed",
          `Circus could not read this scenario: ${message}`,
          { file: format === "circus" ? NATIVE_ENTRY : KATACODA_ENTRY },
          "report this as a bug in Circus with the scenario attached",
        ),
      ],
    };
  }
  const diagnostics = [...outcome.diagnostics];
  if (outcome.scenario) diagnostics.push(...checkReferences(outcome.scenario));
  const scenario = hasErrors(diagnostics) ? undefined : outcome.scenario;
  // index.json is KataCoda's or Killercoda's: the loaded scenario knows which.
  return { path: dir, format: outcome.scenario?.format ?? format, scenario, diagnostics: sortDiagnostics(diagnostics) };
}

/** Every scenario folder at or below `root` (a folder holding scenario.md or index.json), sorted. */
export async function findScenarioFolders(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    if (await detectScenarioFormat(dir)) {
      found.push(dir);
      return;
    }
    if (depth >= 6) return;
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith(".") || entry.name === "node_modules") continue;
      await walk(join(dir, entry.name), depth + 1);
    }
  }
  await walk(root, 0);
  return found.sort((a, b) => relative(root, a).localeCompare(relative(root, b)));
}

function pagesOf(scenario: Scenario): Page[] {
  return [scenario.intro, ...scenario.steps, scenario.finish];
}

function checkReferences(scenario: Scenario): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const hostNames = new Set(scenario.hosts.map((h) => h.name));
  const terminalIds = new Set(scenario.terminals.map((t) => t.id));
  const hostList = [...hostNames].join(", ") || "(none)";
  for (const terminal of scenario.terminals) {
    if (!hostNames.has(terminal.host)) {
      diagnostics.push(
        error("unknown-host", `terminal "${terminal.title}" runs on host "${terminal.host}", which is not declared`, {
          file: scenario.format === "circus" ? NATIVE_ENTRY : KATACODA_ENTRY,
        }),
      );
    }
  }
  for (const page of pagesOf(scenario)) {
    const scan = scanDirectives(page.markdown, page.source, { hosts: scenario.hosts.map((h) => h.name) });
    diagnostics.push(...scan.diagnostics);
    for (const action of scan.actions) {
      if (action.host && !hostNames.has(action.host)) {
        diagnostics.push(
          error(
            "unknown-host",
            `this ${action.kind} action targets host "${action.host}", which the scenario does not declare`,
            action.source,
            `use one of: ${hostList}`,
          ),
        );
      }
      if (action.terminal && !terminalIds.has(action.terminal) && !/^\d+$/.test(action.terminal)) {
        diagnostics.push(
          error(
            "unknown-terminal",
            `this action targets terminal "${action.terminal}", which the scenario does not declare`,
            action.source,
            "declare it under `terminals:` or use a terminal number such as T2",
          ),
        );
      }
    }
    for (const ref of scan.portReferences) {
      if (!hostNames.has(ref.host)) {
        diagnostics.push(
          warning(
            "unknown-host",
            `port link to host "${ref.host}", which the scenario does not declare`,
            ref.source,
            `use one of: ${hostList}`,
          ),
        );
      }
    }
  }
  if (scenario.steps.length === 0) {
    diagnostics.push(
      warning("no-steps", "the scenario has no steps", {
        file: scenario.format === "circus" ? NATIVE_ENTRY : KATACODA_ENTRY,
      }),
    );
  }
  return diagnostics;
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
