// What HTML a page may contain: GitHub's sanitizer schema, tightened (no form attributes, no
// srcset, only http(s)/mailto/relative URLs, unsafe elements dropped with their content) and
// widened only by the data-circus-* attributes Circus itself emits on code.
import { defaultSchema, type Schema } from "hast-util-sanitize";
import { ACTION_PROPERTIES } from "./action-sites";

const FORM_ATTRIBUTES = new Set(["accept", "acceptCharset", "action", "encType", "method"]);
const WITHOUT = new Set(["picture", "source"]);

export const sanitizeSchema: Schema = {
  ...defaultSchema,
  tagNames: (defaultSchema.tagNames ?? []).filter((tag) => !WITHOUT.has(tag)),
  attributes: {
    ...defaultSchema.attributes,
    "*": (defaultSchema.attributes?.["*"] ?? []).filter((attribute) => {
      const name = typeof attribute === "string" ? attribute : attribute[0];
      return !FORM_ATTRIBUTES.has(name);
    }),
    pre: [...ACTION_PROPERTIES],
    code: [...(defaultSchema.attributes?.code ?? []), ...ACTION_PROPERTIES],
    source: [],
  },
  protocols: {
    href: ["http", "https", "mailto"],
    src: ["http", "https"],
    cite: ["http", "https"],
    longDesc: ["http", "https"],
  },
  strip: [
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "textarea",
    "title",
    "xmp",
    "noembed",
    "noframes",
  ],
};
