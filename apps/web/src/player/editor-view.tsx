"use client";
// The editor tab: CodeMirror 6 on one file of a host, read and written through the files API
// (`/api/runs/:runId/files`); Ctrl+S (Cmd+S) saves. Loaded in an effect, like xterm.
import { type FormEvent, useEffect, useRef, useState } from "react";
import type { ColorScheme } from "./color-scheme";
import { languageFor } from "./editor-languages";
import { readRunFile, writeRunFile } from "./run-api";

type SaveState = "loading" | "saved" | "modified" | "saving" | "error";

export interface EditorViewProps {
  runId: string;
  host: string;
  /** The file shown; undefined until one is opened. */
  path: string | undefined;
  /** Bumped to read the file again (a `file` action just wrote it). */
  revision: number;
  nonce: string;
  active: boolean;
  scheme: ColorScheme;
  onOpen: (path: string) => void;
}

export function EditorView({ runId, host, path, revision, nonce, active, scheme, onOpen }: EditorViewProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<SaveState>("loading");
  const [message, setMessage] = useState<string | undefined>();
  const [draftPath, setDraftPath] = useState(path ?? "");

  useEffect(() => setDraftPath(path ?? ""), [path]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `revision` is a request to read the file again.
  useEffect(() => {
    const container = containerRef.current;
    if (!container || !path) return;
    let disposed = false;
    let view: import("@codemirror/view").EditorView | undefined;
    setState("loading");
    setMessage(undefined);
    void (async () => {
      const [{ basicSetup }, { EditorView: View, keymap }, { EditorState, Prec }, { oneDark }] = await Promise.all([
        import("codemirror"),
        import("@codemirror/view"),
        import("@codemirror/state"),
        import("@codemirror/theme-one-dark"),
      ]);
      let content: string;
      try {
        content = await readRunFile(runId, host, path);
      } catch (error) {
        content = "";
        // A file that does not exist yet opens empty and is created on save.
        if (!(error instanceof Error && "status" in error && error.status === 404)) {
          setState("error");
          setMessage(error instanceof Error ? error.message : String(error));
        }
      }
      if (disposed) return;
      const save = async (target: import("@codemirror/view").EditorView) => {
        setState("saving");
        try {
          await writeRunFile(runId, host, path, target.state.doc.toString());
          if (!disposed) setState("saved");
        } catch (error) {
          if (!disposed) {
            setState("error");
            setMessage(error instanceof Error ? error.message : String(error));
          }
        }
        return true;
      };
      view = new View({
        parent: container,
        state: EditorState.create({
          doc: content,
          extensions: [
            basicSetup,
            View.cspNonce.of(nonce),
            // The editable area's accessible name (CodeMirror gives it none).
            View.contentAttributes.of({ "aria-label": `Editor: ${path}` }),
            Prec.highest(
              keymap.of([
                {
                  key: "Mod-s",
                  preventDefault: true,
                  run: (target) => {
                    void save(target);
                    return true;
                  },
                },
              ]),
            ),
            View.updateListener.of((update) => {
              if (update.docChanged) setState("modified");
            }),
            ...(scheme === "dark" ? [oneDark] : []),
            ...(await languageFor(path)),
          ],
        }),
      });
      setState((current) => (current === "error" ? current : "saved"));
    })();
    return () => {
      disposed = true;
      view?.destroy();
    };
  }, [runId, host, path, revision, nonce, scheme]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draftPath.trim()) onOpen(draftPath.trim());
  };

  return (
    <section className="editor-panel" aria-label="Editor" hidden={!active}>
      <form className="terminal-bar editor-bar" onSubmit={submit}>
        <label htmlFor="editor-path" className="visually-hidden">
          File path on {host}
        </label>
        <input
          id="editor-path"
          value={draftPath}
          onChange={(event) => setDraftPath(event.target.value)}
          placeholder="/root/file.txt"
        />
        <button type="submit">Open</button>
        <span className="editor-state" role="status" data-state={path ? state : "empty"}>
          {path ? saveLabel(state, message) : "Open a file"}
        </span>
      </form>
      <div ref={containerRef} className="editor" data-path={path} />
    </section>
  );
}

function saveLabel(state: SaveState, message: string | undefined): string {
  switch (state) {
    case "loading":
      return "Loading…";
    case "saved":
      return "Saved";
    case "modified":
      return "Unsaved changes (Ctrl+S saves)";
    case "saving":
      return "Saving…";
    case "error":
      return message ?? "Could not save";
  }
}
