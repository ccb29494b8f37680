// Where a file named by the editor (KataCoda `files`, `<pre class="file" data-filename>`, `{{open}}`)
// lives: relative names are relative to the editor's root folder (`uieditorpath`, default /root).
import type { Scenario } from "./model";

/** The editor root when a scenario declares none. */
export const DEFAULT_EDITOR_ROOT = "/root";

/** "app.py" -> "/root/app.py"; absolute and `~/` paths stay as they are. */
export function editorFilePath(path: string, root = DEFAULT_EDITOR_ROOT): string {
  const trimmed = path.trim();
  if (trimmed.startsWith("/") || trimmed === "~" || trimmed.startsWith("~/")) return trimmed;
  return `${root.replace(/\/+$/, "")}/${trimmed.replace(/^(\.\/)+/, "")}`;
}

/** The editor root of `scenario`. */
export function editorRootOf(scenario: Pick<Scenario, "editor">): string {
  return scenario.editor?.root ?? DEFAULT_EDITOR_ROOT;
}
