// The page's CSP allows only <style> elements carrying the request's nonce, and xterm.js creates its
// own without one (xtermjs/xterm.js#4445). Stamping the nonce on every <style> at creation, before
// insertion, keeps the policy strict instead of allowing 'unsafe-inline'.

const STAMPED = Symbol.for("circus.player.style-nonce");

type PatchedDocument = typeof Document.prototype & { [STAMPED]?: string };

/** Makes `document.createElement("style")` return elements carrying `nonce`. Idempotent. */
export function stampStyleNonces(nonce: string): void {
  if (!nonce) return;
  const prototype = Document.prototype as PatchedDocument;
  if (prototype[STAMPED] !== undefined) {
    prototype[STAMPED] = nonce;
    return;
  }
  prototype[STAMPED] = nonce;
  const createElement = prototype.createElement;
  prototype.createElement = function createElementWithNonce(
    this: Document,
    tagName: string,
    options?: ElementCreationOptions,
  ): HTMLElement {
    const element = createElement.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) element.setAttribute("nonce", prototype[STAMPED] ?? "");
    return element;
  } as typeof prototype.createElement;
}

/**
 * The nonce of the document's own policy, read from a script Next rendered with it. After a client-side
 * navigation the document keeps its first policy, so this, not a later response's nonce, is the one to use.
 */
export function documentNonce(): string {
  for (const element of document.querySelectorAll<HTMLScriptElement>("script[nonce]")) {
    if (element.nonce) return element.nonce;
  }
  return "";
}
