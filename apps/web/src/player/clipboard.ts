// Copy and paste for the player: the async Clipboard API where the browser allows it, else the
// old execCommand route through a hidden, off-screen textarea (http origins, older browsers).

/** Copies `text`; false when the browser refused both routes. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try {
      return document.execCommand("copy");
    } finally {
      area.remove();
    }
  }
}

/** The clipboard's text, or undefined when the browser will not give it (the user then uses Ctrl+V). */
export async function readClipboardText(): Promise<string | undefined> {
  try {
    return await navigator.clipboard.readText();
  } catch {
    return undefined;
  }
}
