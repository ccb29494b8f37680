"use client";
// The keyboard shortcuts, listed in a dialog that `?` opens from anywhere but a text field or a terminal
// (and a header button opens for those who do not know `?`). The native <dialog> traps nothing:
// Escape or Close returns focus to where it was.
import { useEffect, useRef } from "react";

const SHORTCUTS: Array<{ keys: string; what: string }> = [
  { keys: "?", what: "Show this list (outside text fields and terminals)" },
  { keys: "Tab / Shift+Tab", what: "Move between links, buttons and fields; the first Tab offers “Skip to content”" },
  { keys: "Shift+Escape", what: "Leave the terminal (it keeps Tab for the shell): focus moves to its tab" },
  { keys: "Left / Right, Home / End", what: "Switch between the tool tabs (terminals, editor, previews)" },
  { keys: "Enter or Space", what: "Run, copy or open a command block of the instructions" },
  { keys: "Left / Right, Page Up / Page Down", what: "Resize the instructions and the tools (on the separator)" },
  { keys: "Ctrl+Shift+C / Ctrl+Shift+V", what: "Copy from and paste into the terminal" },
  { keys: "Ctrl+S", what: "Save the file in the editor" },
  { keys: "Tab", what: "Leave the editor (Tab moves focus there; it does not indent)" },
  { keys: "Escape", what: "Close this dialog" },
];

/** True when the key goes to something that types: a field, an editor or a terminal. */
function typesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target.closest("input, textarea, select, .xterm, .cm-editor, [contenteditable]") !== null
  );
}

export function KeyboardHelp() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  const open = () => {
    const dialog = dialogRef.current;
    if (!dialog || dialog.open) return;
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
  };

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "?" || event.ctrlKey || event.altKey || event.metaKey || typesText(event.target)) return;
      event.preventDefault();
      open();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  });

  return (
    <>
      <button type="button" className="header-button" aria-keyshortcuts="?" onClick={open}>
        Keyboard shortcuts
      </button>
      <dialog
        ref={dialogRef}
        className="keyboard-help"
        aria-labelledby="keyboard-help-title"
        onClose={() => returnTo.current?.focus()}
      >
        <div className="keyboard-help-top">
          <h2 id="keyboard-help-title">Keyboard shortcuts</h2>
          {/* First in the dialog: it takes the focus when the dialog opens, without scrolling past the list. */}
          <form method="dialog">
            <button type="submit">Close</button>
          </form>
        </div>
        <table>
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">What they do</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.keys + shortcut.what}>
                <td>
                  <kbd>{shortcut.keys}</kbd>
                </td>
                <td>{shortcut.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          In the player, <strong>Screen reader mode</strong> announces new terminal output and each terminal has a
          plain-text <strong>Transcript</strong>.
        </p>
      </dialog>
    </>
  );
}
