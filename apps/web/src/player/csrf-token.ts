// The double-submit CSRF token: the server sets the `circus_csrf` cookie (readable by scripts) and every
// state-changing request repeats it in the `x-circus-csrf` header.

export const CSRF_COOKIE = "circus_csrf";
export const CSRF_HEADER = "x-circus-csrf";

/** The value of the `circus_csrf` cookie in a `document.cookie` string, or undefined. */
export function readCsrfToken(cookieHeader: string): string | undefined {
  for (const part of cookieHeader.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0 || part.slice(0, separator).trim() !== CSRF_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
