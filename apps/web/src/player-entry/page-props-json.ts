// How the player page hands its props to its own client entry (Next's runtime, which would carry them in
// __NEXT_DATA__, is off that page): a JSON script element, written so that no text in it can close the
// element or be read as HTML.
export const PAGE_PROPS_ELEMENT_ID = "circus-page-props";

/** The element's text: JSON with `<`, `>`, `&` and the JavaScript line separators escaped. */
export function pagePropsJson(props: unknown): string {
  return JSON.stringify(props).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
