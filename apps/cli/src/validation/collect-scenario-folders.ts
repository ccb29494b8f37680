// Turns the folders named on the command line into scenario folders: each argument is one
// scenario folder, a tree of them, or a scenario's entry file (scenario.md, index.json).
import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { findScenarioFolders } from "@circus/scenario";

export interface CollectedFolders {
  /** Absolute scenario folders, in argument order, each once. */
  folders: string[];
  /** Arguments that held no scenario, with the reason. */
  unmatched: { argument: string; reason: string }[];
}

const ENTRY_FILES = new Set(["scenario.md", "index.json"]);

export async function collectScenarioFolders(args: readonly string[], cwd: string): Promise<CollectedFolders> {
  const folders = new Set<string>();
  const unmatched: CollectedFolders["unmatched"] = [];
  for (const argument of args) {
    const path = resolve(cwd, argument);
    const kind = await kindOf(path);
    if (kind === "missing") {
      unmatched.push({ argument, reason: "no such file or folder" });
      continue;
    }
    if (kind === "file") {
      if (ENTRY_FILES.has(basename(path))) folders.add(dirname(path));
      else unmatched.push({ argument, reason: "is a file; name the scenario's folder" });
      continue;
    }
    const found = await findScenarioFolders(path);
    if (found.length === 0) unmatched.push({ argument, reason: "holds no scenario.md or index.json" });
    for (const folder of found) folders.add(folder);
  }
  return { folders: [...folders], unmatched };
}

async function kindOf(path: string): Promise<"missing" | "file" | "folder"> {
  try {
    return (await stat(path)).isDirectory() ? "folder" : "file";
  } catch {
    return "missing";
  }
}
