// Syntax highlighting for the editor tab, chosen by file name and loaded only when such a file opens.
import type { Extension } from "@codemirror/state";

export async function languageFor(path: string): Promise<Extension[]> {
  const name = path.split("/").pop()?.toLowerCase() ?? "";
  const extension = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : "";
  if (extension === "json") return [(await import("@codemirror/lang-json")).json()];
  if (extension === "yaml" || extension === "yml") return [(await import("@codemirror/lang-yaml")).yaml()];
  if (extension === "py") return [(await import("@codemirror/lang-python")).python()];
  if (["js", "mjs", "cjs", "ts", "tsx", "jsx"].includes(extension)) {
    const { javascript } = await import("@codemirror/lang-javascript");
    return [javascript({ typescript: extension.startsWith("ts"), jsx: extension.endsWith("x") })];
  }
  const legacy = await legacyModeFor(name, extension);
  if (!legacy) return [];
  const { StreamLanguage } = await import("@codemirror/language");
  return [StreamLanguage.define(legacy)];
}

async function legacyModeFor(name: string, extension: string) {
  if (["sh", "bash", "zsh"].includes(extension) || name === ".bashrc" || name === ".profile") {
    return (await import("@codemirror/legacy-modes/mode/shell")).shell;
  }
  if (name === "dockerfile" || extension === "dockerfile") {
    return (await import("@codemirror/legacy-modes/mode/dockerfile")).dockerFile;
  }
  if (extension === "toml") return (await import("@codemirror/legacy-modes/mode/toml")).toml;
  if (extension === "conf" && name.startsWith("nginx"))
    return (await import("@codemirror/legacy-modes/mode/nginx")).nginx;
  return undefined;
}
