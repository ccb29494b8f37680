// The small HTML pages a preview answers with when it cannot show the learner's server.

export interface PreviewErrorPage {
  status: number;
  title: string;
  /** Plain sentences; escaped when rendered. */
  lines: string[];
  /** Sent as Retry-After (429 pages). */
  retryAfterSeconds?: number;
}

export function portClosedPage(host: string, port: number): PreviewErrorPage {
  return {
    status: 502,
    title: `Nothing is listening on port ${port}`,
    lines: [
      `No server answers on port ${port} of host ${host} yet.`,
      `Start your server in the terminal so that it listens on port ${port} (for example: python3 -m http.server ${port}), then reload this preview.`,
    ],
  };
}

export function hostDownPage(host: string): PreviewErrorPage {
  return {
    status: 502,
    title: `Host ${host} is not running`,
    lines: [`The host ${host} of this lab has stopped, so its ports cannot be shown.`, "Restart the lab to continue."],
  };
}

export function previewFailedPage(port: number): PreviewErrorPage {
  return {
    status: 502,
    title: "The preview failed",
    lines: [`The connection to port ${port} failed before the server answered.`, "Reload this preview to try again."],
  };
}

export function tooManyRequestsPage(what: string, retryAfterSeconds: number): PreviewErrorPage {
  return {
    status: 429,
    title: "Too many preview requests",
    lines: [what, `Wait ${retryAfterSeconds} seconds, then reload this preview.`],
    retryAfterSeconds,
  };
}

export function timedOutPage(port: number, seconds: number): PreviewErrorPage {
  return {
    status: 504,
    title: "The preview did not answer in time",
    lines: [
      `The server on port ${port} did not start answering within ${seconds} seconds.`,
      "Check it in the terminal, then reload this preview.",
    ],
  };
}

export function notFoundPage(): PreviewErrorPage {
  return { status: 404, title: "No such preview", lines: ["This preview does not exist or is not yours."] };
}

export function renderPreviewErrorPage(page: PreviewErrorPage): string {
  const paragraphs = page.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.25rem}</style></head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${paragraphs}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
