// The shape of a KataCoda/Killercoda index.json as real scenarios write it. It is the single list
// of known keys too: any key not named here is reported as unknown (see find-unknown-keys.ts).
import { z } from "zod";

/** KataCoda files sometimes quote booleans ("true"). */
const LenientBooleanSchema = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);

/** Ports are numbers, sometimes written as strings ("8080"). */
const PortNumberSchema = z.union([
  z.number().int().min(1).max(65535),
  z
    .string()
    .regex(/^\d{1,5}$/, "expected a port number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(65535)),
]);

/** A page (intro or finish) and the scripts that run with it. */
export const PageEntrySchema = z.object({
  title: z.string().optional(),
  /** Markdown file. */
  text: z.string().min(1).optional(),
  /** KataCoda: background script file, run before the page shows (= Killercoda `background`). */
  courseData: z.string().min(1).optional(),
  /** KataCoda: script file typed into the terminal when the page shows (= Killercoda `foreground`). */
  code: z.string().min(1).optional(),
  background: z.string().min(1).optional(),
  foreground: z.string().min(1).optional(),
});
export type PageEntry = z.infer<typeof PageEntrySchema>;

export const StepEntrySchema = PageEntrySchema.extend({
  /** Script file; passes when it exits 0 (Killercoda) or prints "done" (KataCoda). */
  verify: z.string().min(1).optional(),
  /** A free-text answer the learner must type. */
  answer: z.string().min(1).optional(),
  /** A markdown file, or the hint text itself. */
  hint: z.string().min(1).optional(),
});
export type StepEntry = z.infer<typeof StepEntrySchema>;

export const AssetEntrySchema = z.object({
  /** File name or glob relative to assets/. */
  file: z.string().min(1),
  /** Directory on the host; "~" is the home directory. */
  target: z.string().min(1),
  chmod: z.union([z.string(), z.number().int()]).optional(),
});
export type AssetEntry = z.infer<typeof AssetEntrySchema>;

export const DashboardEntrySchema = z.object({
  name: z.string().min(1),
  port: PortNumberSchema.optional(),
  href: z.string().min(1).optional(),
});
export type DashboardEntry = z.infer<typeof DashboardEntrySchema>;

export const TerminalEntrySchema = z.object({
  name: z.string().min(1),
  /** Host name ("host01", "host02", or a Killercoda node name). */
  target: z.string().min(1).optional(),
  command: z.string().min(1).optional(),
});
export type TerminalEntry = z.infer<typeof TerminalEntrySchema>;

/**
 * A list field some real files give as a single value: one object stands for a list of one; a string for a
 * list of one string where strings are the items, else for nothing (the loader warns about both, see
 * `reportSingleValueLists`).
 */
function listOf<T extends z.ZodType>(item: T, stringIsItem: boolean) {
  return z.preprocess((value) => {
    if (value === undefined || value === null || Array.isArray(value)) return value ?? undefined;
    if (typeof value === "string") return stringIsItem && value.trim() !== "" ? [value] : [];
    return [value];
  }, z.array(item));
}

/** The list fields that may be given as a single value, with whether a string is an item of them. */
export const SINGLE_VALUE_LISTS = [
  { path: ["environment", "dashboards"], stringIsItem: false },
  { path: ["environment", "terminals"], stringIsItem: false },
  { path: ["files"], stringIsItem: true },
] as const;

export const KatacodaIndexSchema = z.object({
  /** KataCoda took an empty title from the course's pathway file; the loader falls back (see scenario-title.ts). */
  title: z.string().trim().optional(),
  /** Killercoda's other scenario types ("jupyter-notebook", ...); only terminal scenarios run in Circus. */
  type: z.string().optional(),
  description: z.string().optional(),
  difficulty: z.string().optional(),
  time: z.union([z.string(), z.number()]).optional(),
  details: z
    .object({
      intro: PageEntrySchema.optional(),
      steps: z.array(StepEntrySchema).optional(),
      finish: PageEntrySchema.optional(),
      /** Keyed by "client", "host01", "host02", ... or a host name. */
      assets: z.record(z.string(), z.array(AssetEntrySchema)).optional(),
    })
    .optional(),
  environment: z
    .object({
      uilayout: z.string().optional(),
      uimessage1: z.string().optional(),
      uieditorpath: z.string().min(1).optional(),
      showdashboard: LenientBooleanSchema.optional(),
      dashboards: listOf(DashboardEntrySchema, false).optional(),
      terminals: listOf(TerminalEntrySchema, false).optional(),
      hideintro: LenientBooleanSchema.optional(),
      hidefinish: LenientBooleanSchema.optional(),
      /** Editor syntax highlighting: Circus infers it from the file name. */
      uisettings: z.unknown().optional(),
    })
    .optional(),
  backend: z.object({ imageid: z.string().optional() }).optional(),
  /** Killercoda's UI options. */
  interface: z.object({ layout: z.string().optional() }).optional(),
  /** Files opened in the editor, relative to `environment.uieditorpath`. */
  files: listOf(z.string().min(1), true).optional(),
  // Catalogue metadata that has no meaning inside one scenario: accepted silently.
  icon: z.unknown().optional(),
  id: z.unknown().optional(),
  pathwayId: z.unknown().optional(),
  pathwayTitle: z.unknown().optional(),
});
export type KatacodaIndex = z.infer<typeof KatacodaIndexSchema>;

/** Real KataCoda keys whose behaviour Circus does not have: reported as "unsupported-key", with why. */
export const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  hidesidebar: "Circus always shows the instructions",
  exclusionPatterns: "the editor shows every file under its root",
  hideHiddenFiles: "the editor shows every file under its root",
  showide: "use interface.layout or environment.uilayout instead",
  showvisualise: "Circus has no Docker visualiser",
  uimessage2: "only uimessage1 is shown",
  skipfinalscreen: "use environment.hidefinish",
};
