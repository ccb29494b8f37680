// The one scenario model every part of Circus reads. Both the native markdown format and
// KataCoda/Killercoda's index.json load into it; the types are inferred from these schemas.
import { z } from "zod";

/** Where something came from, for diagnostics: a file relative to the scenario folder, 1-based line and column. */
export const SourceRefSchema = z.object({
  file: z.string(),
  line: z.number().int().min(1).default(1),
  column: z.number().int().min(1).default(1),
});
export type SourceRef = z.infer<typeof SourceRefSchema>;

export const DifficultySchema = z.enum(["beginner", "intermediate", "advanced"]);
export type Difficulty = z.infer<typeof DifficultySchema>;

/** Linux capabilities a scenario may ask for; anything else is refused (never SYS_ADMIN). */
export const CapabilitySchema = z.enum([
  "NET_ADMIN",
  "NET_RAW",
  "NET_BIND_SERVICE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "SYS_CHROOT",
  "MKNOD",
  "AUDIT_WRITE",
  "SETFCAP",
]);
export type Capability = z.infer<typeof CapabilitySchema>;

export const HostNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, "host names are lowercase letters, digits and dashes, starting with a letter");

export const HostSchema = z.object({
  name: HostNameSchema,
  /** A Circus image name (see docker/), e.g. "circus/base". */
  image: z.string().min(1),
  cpus: z.number().positive().max(8).default(1),
  memoryMiB: z.number().int().min(32).max(8192).default(512),
  pids: z.number().int().min(16).max(4096).default(512),
  /** Writable-layer quota in MiB: the runtime stops a host that writes more. Default 2 GiB. */
  diskMiB: z.number().int().min(64).max(65_536).default(2048),
  capabilities: z.array(CapabilitySchema).default([]),
  env: z.record(z.string(), z.string()).default({}),
  /** Docker inside the host: rootless, as the unprivileged user `learner` (image circus/docker or built on it). */
  docker: z.boolean().optional(),
});
export type Host = z.infer<typeof HostSchema>;

export const TerminalSchema = z.object({
  /** Stable id used by exec actions ("1", "2", ... for KataCoda's T1/T2, or a name). */
  id: z.string().min(1),
  title: z.string().min(1),
  host: HostNameSchema,
  /** A command to run instead of a login shell, as an argv array. */
  command: z.array(z.string()).optional(),
});
export type Terminal = z.infer<typeof TerminalSchema>;

export const PortSchema = z.object({
  host: HostNameSchema,
  port: z.number().int().min(1).max(65535),
  title: z.string().min(1),
  path: z.string().default("/"),
  /** Show as a preview tab (true) or only as a link target (false). */
  tab: z.boolean().default(true),
});
export type Port = z.infer<typeof PortSchema>;

/** An external link tab (KataCoda dashboards with an href). */
export const LinkTabSchema = z.object({ title: z.string().min(1), href: z.string().url() });
export type LinkTab = z.infer<typeof LinkTabSchema>;

export const EditorSchema = z.object({
  host: HostNameSchema,
  /** Directory the file tree starts at. */
  root: z.string().default("/root"),
  /** Files opened when the editor first shows. */
  open: z.array(z.string()).default([]),
});
export type Editor = z.infer<typeof EditorSchema>;

export const AssetSchema = z.object({
  host: HostNameSchema,
  /** Path relative to the scenario's assets folder (globs already expanded). */
  source: z.string().min(1),
  /** Absolute path inside the host, or a directory ending in "/"; "~" means the user's home. */
  target: z.string().min(1),
  /** Octal mode string such as "0755"; unset keeps the file's own mode. */
  mode: z
    .string()
    .regex(/^[0-7]{3,4}$/)
    .optional(),
});
export type Asset = z.infer<typeof AssetSchema>;

export const ScriptSchema = z.object({
  /** Script text, run as `bash -c <script>` (or typed into the terminal when foreground). */
  script: z.string(),
  /** Host to run on; defaults to the first host. */
  host: HostNameSchema.optional(),
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
  source: SourceRefSchema,
});
export type Script = z.infer<typeof ScriptSchema>;

export const VerifySchema = ScriptSchema.extend({
  /** KataCoda's legacy convention: the check also passes when the script prints "done". */
  passOnDone: z.boolean().default(false),
});
export type Verify = z.infer<typeof VerifySchema>;

export const QuizChoiceSchema = z.object({ text: z.string(), correct: z.boolean() });
export type QuizChoice = z.infer<typeof QuizChoiceSchema>;

export const QuizSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("single"),
    id: z.string(),
    question: z.string().min(1),
    choices: z.array(QuizChoiceSchema).min(2),
    source: SourceRefSchema,
  }),
  z.object({
    kind: z.literal("multiple"),
    id: z.string(),
    question: z.string().min(1),
    choices: z.array(QuizChoiceSchema).min(2),
    source: SourceRefSchema,
  }),
  z.object({
    kind: z.literal("text"),
    id: z.string(),
    question: z.string().min(1),
    /** "exact" compares trimmed text (case-insensitively unless caseSensitive); "pattern" is a JS regular expression. */
    match: z.enum(["exact", "pattern"]),
    answer: z.string().min(1),
    caseSensitive: z.boolean().default(false),
    source: SourceRefSchema,
  }),
]);
export type Quiz = z.infer<typeof QuizSchema>;

/** A page of markdown: the intro, a step or the finish. `markdown` is the raw body, directives unresolved. */
export const PageSchema = z.object({
  title: z.string(),
  markdown: z.string(),
  /** Where `markdown` starts (the line of its first character), for diagnostics of directives inside it. */
  source: SourceRefSchema,
  /** Runs in the background before the page shows. */
  setup: ScriptSchema.optional(),
  /** Typed into the first terminal when the page shows. */
  foreground: ScriptSchema.optional(),
});
export type Page = z.infer<typeof PageSchema>;

export const StepSchema = PageSchema.extend({
  verify: VerifySchema.optional(),
  solve: ScriptSchema.optional(),
  /** Markdown shown on request, and the hint shown with a failed check. */
  hint: z.string().optional(),
  quizzes: z.array(QuizSchema).default([]),
});
export type Step = z.infer<typeof StepSchema>;

/** "katacoda" and "killercoda" share index.json; which one a folder follows is told from the keys it uses. */
export const ScenarioFormatSchema = z.enum(["circus", "katacoda", "killercoda"]);
export type ScenarioFormat = z.infer<typeof ScenarioFormatSchema>;

export const ScenarioSchema = z.object({
  /** URL-safe id derived from the folder name. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  format: ScenarioFormatSchema,
  title: z.string().min(1),
  description: z.string().default(""),
  difficulty: DifficultySchema.default("beginner"),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  tags: z.array(z.string()).default([]),
  /** Credit to the talk or source the scenario is drawn from. */
  credits: z.string().optional(),
  hosts: z.array(HostSchema),
  /** Give a single-host scenario a private network anyway (multi-host ones always get one). */
  network: z.boolean().default(false),
  terminals: z.array(TerminalSchema),
  ports: z.array(PortSchema).default([]),
  links: z.array(LinkTabSchema).default([]),
  editor: EditorSchema.optional(),
  /** UI layout hint carried over from KataCoda ("terminal", "editor-terminal", ...). */
  layout: z.string().optional(),
  /** A banner message shown while the environment starts. */
  uiMessage: z.string().optional(),
  /**
   * What the original environment had that this deployment cannot give (e.g. a Kubernetes cluster):
   * shown in the catalog and on Start, while the hosts still start.
   */
  unavailable: z.string().optional(),
  intro: PageSchema,
  steps: z.array(StepSchema),
  finish: PageSchema,
  hideIntro: z.boolean().default(false),
  hideFinish: z.boolean().default(false),
  assets: z.array(AssetSchema).default([]),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

/** A problem found while loading, with a location and how to fix it. */
export const DiagnosticSchema = z.object({
  severity: z.enum(["error", "warning"]),
  /** Stable machine-readable code, e.g. "front-matter-invalid", "directive-typo". */
  code: z.string(),
  message: z.string(),
  /** What the author should do about it. */
  fix: z.string().optional(),
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
});
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

/** A clickable action found on a code block or inline code. */
export const ActionSchema = z.object({
  /**
   * exec: type into a terminal (and press Enter unless `newline` is false);
   * copy: to the clipboard; open: a file in the editor;
   * file: write the block's text to `path` in the editor host (KataCoda `<pre class="file">`), using `fileMode`.
   */
  kind: z.enum(["exec", "copy", "open", "file"]),
  text: z.string(),
  host: HostNameSchema.optional(),
  /** Terminal id ("1", "2", ... or a declared terminal's id). */
  terminal: z.string().optional(),
  /** Send Ctrl-C before typing. */
  interrupt: z.boolean().default(false),
  /** Press Enter after typing. */
  newline: z.boolean().default(true),
  /** The text is a control sequence such as "^C" (KataCoda's ctrl-seq). */
  controlSequence: z.boolean().default(false),
  /** For kind "file"/"open": the file. */
  path: z.string().optional(),
  fileMode: z.enum(["replace", "append", "prepend", "insert", "clipboard"]).optional(),
  inline: z.boolean().default(false),
  source: SourceRefSchema,
});
export type Action = z.infer<typeof ActionSchema>;
