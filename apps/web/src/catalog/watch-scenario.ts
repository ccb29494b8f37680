// Dev-scenario mode: watches one scenario folder, reloads it (debounced) when a file changes, publishes
// the new version as a one-scenario catalog (or keeps the last valid one and reports the errors), and
// tells listeners. Framework-free; `circus dev` runs the web server with it through CIRCUS_DEV_SCENARIO.
import { type FSWatcher, readdirSync, watch } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type Diagnostic, loadScenario } from "@circus/scenario";
import { type Catalog, createCatalog } from "./catalog";
import type { DevDiagnostic, DevScenarioEvent } from "./dev-scenario-event";

export interface WatchScenarioOptions {
  /** Receives the catalog at start and after each valid reload (e.g. catalog-store's publishCatalog). */
  publish?: (catalog: Catalog) => void;
  /** Quiet time after the last file event before reloading. Default 100 ms (editors write in bursts). */
  debounceMs?: number;
  /** Told when watching or loading fails unexpectedly; the watch carries on. Default: ignored. */
  onError?: (error: unknown) => void;
}

export interface ScenarioWatch {
  /** The latest state: version, valid or not, diagnostics. */
  readonly state: DevScenarioEvent;
  /** The catalog of the last valid version (empty when the folder never loaded). */
  readonly catalog: Catalog;
  /** Calls `listener` after each reload. Returns its dispose function. */
  onChange(listener: (state: DevScenarioEvent) => void): () => void;
  /** Reloads now (the watcher calls it after a burst of file events). */
  reload(): Promise<DevScenarioEvent>;
  /** Stops watching; listeners are dropped. */
  dispose(): void;
}

/** Loads the folder once, publishes it, then watches it until disposed. */
export async function watchScenario(dir: string, options: WatchScenarioOptions = {}): Promise<ScenarioWatch> {
  const folder = resolve(dir);
  const debounceMs = options.debounceMs ?? 100;
  const listeners = new Set<(state: DevScenarioEvent) => void>();
  let catalog = createCatalog([]);
  let state: DevScenarioEvent = {
    scenarioId: fallbackId(folder),
    version: 0,
    status: "invalid",
    errors: [],
    warnings: [],
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<DevScenarioEvent> | undefined;
  let again = false;
  let disposed = false;

  const load = async (): Promise<DevScenarioEvent> => {
    const loaded = await loadScenario(folder);
    const errors = loaded.diagnostics.filter((d) => d.severity === "error").map(toDevDiagnostic);
    const warnings = loaded.diagnostics.filter((d) => d.severity === "warning").map(toDevDiagnostic);
    if (loaded.scenario && errors.length === 0) {
      catalog = createCatalog([loaded.scenario], new Map([[loaded.scenario.id, folder]]));
      options.publish?.(catalog);
    }
    state = {
      scenarioId: loaded.scenario?.id ?? state.scenarioId,
      version: state.version + 1,
      status: loaded.scenario && errors.length === 0 ? "valid" : "invalid",
      errors,
      warnings,
    };
    return state;
  };

  // One reload at a time; changes during a reload cause exactly one more.
  const reload = (): Promise<DevScenarioEvent> => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = load()
      .then((next) => {
        if (!disposed) for (const listener of [...listeners]) listener(next);
        return next;
      })
      .finally(() => {
        loading = undefined;
        if (again && !disposed) {
          again = false;
          void reload().catch((error: unknown) => options.onError?.(error));
        }
      });
    return loading;
  };

  await load();
  const folders = watchFolders(
    folder,
    (file) => {
      if (disposed || (file && isEditorScratch(file))) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload().catch((error: unknown) => options.onError?.(error)), debounceMs);
    },
    options.onError,
  );
  // A folder made or removed (under assets/, say) changes what must be watched.
  listeners.add(() => folders.rescan());

  return {
    get state() {
      return state;
    },
    get catalog() {
      return catalog;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    dispose() {
      disposed = true;
      clearTimeout(timer);
      folders.dispose();
      listeners.clear();
    },
  };
}

/**
 * One inotify watch per folder of the tree (a folder's watch reports its files being written, created,
 * renamed and removed). Not `recursive: true`: Node 20 emulates it on Linux with a watch per file, which
 * stops reporting a file once an editor replaces it by a rename, and misses some writes.
 */
function watchFolders(
  root: string,
  onEvent: (file: string | null) => void,
  onError: ((error: unknown) => void) | undefined,
): { rescan(): void; dispose(): void } {
  const watchers = new Map<string, FSWatcher>();
  const rescan = () => {
    const present = new Set(foldersUnder(root));
    for (const [dir, watcher] of watchers) {
      if (present.has(dir)) continue;
      watcher.close();
      watchers.delete(dir);
    }
    for (const dir of present) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, (_event, file) => onEvent(file));
        watcher.on("error", (error) => onError?.(error));
        watchers.set(dir, watcher);
      } catch (error) {
        onError?.(error); // removed between the listing and the watch: the next rescan settles it
      }
    }
  };
  rescan();
  return {
    rescan,
    dispose() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** `root` and every folder below it, except hidden ones (.git and editors' folders). */
function foldersUnder(root: string): string[] {
  const found = [root];
  for (let index = 0; index < found.length; index++) {
    try {
      for (const entry of readdirSync(found[index]!, { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith(".")) found.push(join(found[index]!, entry.name));
      }
    } catch {
      // Gone since it was listed.
    }
  }
  return found;
}

/** Swap and backup files of editors (`.x.swp`, `x~`, `.#x`, `4913`): saving them changes nothing. */
function isEditorScratch(file: string): boolean {
  const name = basename(file);
  return name.startsWith(".") || name.endsWith("~") || name === "4913";
}

function toDevDiagnostic(diagnostic: Diagnostic): DevDiagnostic {
  const { severity, code, message, fix, file, line, column } = diagnostic;
  return { severity, code, message, ...(fix ? { fix } : {}), file, line, column };
}

/** The id the loader gives a folder (its name, URL-safe), for a scenario that has never loaded. */
function fallbackId(folder: string): string {
  return (
    basename(folder)
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "scenario"
  );
}
