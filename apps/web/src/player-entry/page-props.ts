// The player page's props in the browser: read from the page's JSON element (page-props-json.ts), fetched
// again from the server for circus dev's live preview, and handed to whoever renders the page.
import { PAGE_PROPS_ELEMENT_ID } from "./page-props-json";

export function readPageProps(document: Document): unknown {
  const text = document.getElementById(PAGE_PROPS_ELEMENT_ID)?.textContent;
  if (!text) throw new Error("This page has no props for its player: reload the page.");
  return JSON.parse(text);
}

/** The props the server renders now for `url` (the same page, loaded again). */
export async function fetchPageProps(url: string): Promise<unknown> {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!response.ok) throw new Error(`The page did not load again (HTTP ${response.status}): reload it.`);
  return readPageProps(new DOMParser().parseFromString(await response.text(), "text/html"));
}

let renderer: ((props: unknown) => void) | undefined;

/** Set by the entry once the page is hydrated. */
export function setPagePropsRenderer(render: (props: unknown) => void): void {
  renderer = render;
}

export function renderPageProps(props: unknown): void {
  renderer?.(props);
}
