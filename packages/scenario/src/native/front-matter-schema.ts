// What authors may write in the front matter of scenario.md and of a step, as zod input schemas.
// Each error message is the field's expected form; field-issues.ts builds the sentence around it.
import { z } from "zod";
import { CapabilitySchema, DifficultySchema } from "../model";
import { parseDurationMinutes, parseMemoryMiB } from "./quantities";

export const DEFAULT_IMAGE = "circus/base";
/** The image of a host with `docker: true` that names none. */
export const DOCKER_IMAGE = "circus/docker";

const HOST_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const HOST_NAME_FORM = 'a host name: lowercase letters, digits and dashes, starting with a letter (e.g. "node1")';

function text(form: string) {
  return z.string({ error: form }).trim().min(1, { error: form });
}

/** A text where YAML may have read a number or a boolean (`value: 1`), kept as text. */
const scalarText = z.union([z.string(), z.number(), z.boolean()], { error: "a text" }).transform(String);

function readAs<T>(form: string, read: (value: number | string) => T | undefined) {
  return z.union([z.number(), z.string()], { error: form }).transform((value, ctx) => {
    const result = read(value);
    if (result === undefined) {
      ctx.issues.push({ code: "custom", message: form, input: value });
      return z.NEVER;
    }
    return result;
  });
}

const hostName = z.string({ error: HOST_NAME_FORM }).regex(HOST_NAME, { error: HOST_NAME_FORM });
const integer = (form: string) => z.number({ error: form }).int({ error: form });
const flag = (form = "true or false") => z.boolean({ error: form });
const texts = (form: string) => z.array(z.string({ error: form }), { error: `a list of ${form}s` });

const DURATION_FORM = 'a number of minutes, or a text like "15m" or "1h30m"';
const MEMORY_FORM = 'a size like "512m" or "1g", or a number of MiB';
const DISK_FORM = 'a size like "512m" or "4g", or a number of MiB';
const CAPABILITY_FORM = `one of ${CapabilitySchema.options.join(", ")}`;
const PORT_FORM = "a port number from 1 to 65535";
const TIMEOUT_FORM = "a whole number of seconds such as 30";
const MODE_FORM = 'an octal mode in quotes, like "0755" or "644"';

const capability = z.string({ error: CAPABILITY_FORM }).transform((value, ctx) => {
  const name = value.trim().toUpperCase().replace(/^CAP_/, "");
  const parsed = CapabilitySchema.safeParse(name);
  if (parsed.success) return parsed.data;
  ctx.issues.push({ code: "custom", message: CAPABILITY_FORM, input: value });
  return z.NEVER;
});

const mode = z.union([z.string(), z.number()], { error: MODE_FORM }).transform((value, ctx) => {
  const digits = String(value).trim();
  if (/^[0-7]{3,4}$/.test(digits)) return digits;
  ctx.issues.push({ code: "custom", message: MODE_FORM, input: value });
  return z.NEVER;
});

const HostInput = z.strictObject(
  {
    name: hostName,
    image: text('an image name like "circus/base"').optional(),
    cpus: z.number({ error: "a number of CPUs such as 0.5 or 2" }).optional(),
    memory: readAs(MEMORY_FORM, parseMemoryMiB).optional(),
    pids: integer("a whole number of processes such as 512").optional(),
    disk: readAs(DISK_FORM, parseMemoryMiB).optional(),
    capabilities: z.array(capability, { error: `a list of capabilities (${CAPABILITY_FORM})` }).optional(),
    env: z.record(z.string(), scalarText, { error: "`NAME: value` pairs" }).optional(),
    docker: z.boolean({ error: "true or false: whether the learner runs `docker` on this host" }).optional(),
  },
  { error: "a host: `name`, `image` and optional `cpus`, `memory`, `pids`, `disk`, `capabilities`, `env`, `docker`" },
);

const command = z
  .union([z.string(), z.array(z.string())], { error: "a command line, or a list of arguments" })
  .transform((value) => (typeof value === "string" ? ["bash", "-lc", value] : value));

const TerminalInput = z.strictObject(
  {
    id: text("a short id such as 'logs'").optional(),
    title: text("a tab title"),
    host: hostName,
    command: command.optional(),
  },
  { error: "a terminal: `title`, `host` and optional `id`, `command`" },
);

const PortInput = z.strictObject(
  {
    host: hostName,
    port: integer(PORT_FORM).min(1, { error: PORT_FORM }).max(65535, { error: PORT_FORM }),
    title: text("a tab title").optional(),
    path: z.string({ error: 'a URL path such as "/status"' }).optional(),
    tab: flag().optional(),
  },
  { error: "a port: `host`, `port` and optional `title`, `path`, `tab`" },
);

const LinkInput = z.strictObject(
  { title: text("a tab title"), href: z.url({ error: 'a full URL such as "https://example.org/"' }) },
  { error: "a link: `title` and `href`" },
);

const EditorInput = z.strictObject(
  {
    host: hostName,
    root: text('an absolute folder such as "/root"').optional(),
    open: texts("file path").optional(),
  },
  { error: "an editor: `host` and optional `root`, `open`" },
);

export const AssetInput = z.strictObject(
  {
    source: text('a path or glob inside assets/, such as "app/**"'),
    host: hostName.optional(),
    target: text('an absolute path such as "/root/app/", or one starting with "~"').refine(
      (value) => value.startsWith("/") || value === "~" || value.startsWith("~/"),
      { error: 'an absolute path such as "/root/app/", or one starting with "~"' },
    ),
    mode: mode.optional(),
  },
  { error: "an asset: `source`, `target` and optional `host`, `mode`" },
);
export type AssetInput = z.output<typeof AssetInput>;

const PageFilesInput = z.strictObject(
  {
    setup: text("a script file in the scenario folder, such as intro-setup.sh").optional(),
    foreground: text("a script file in the scenario folder, such as intro-foreground.sh").optional(),
  },
  { error: "`setup` and/or `foreground` script files" },
);

const difficulty = z.string({ error: "one of beginner, intermediate, advanced" }).transform((value, ctx) => {
  const parsed = DifficultySchema.safeParse(value.trim().toLowerCase());
  if (parsed.success) return parsed.data;
  ctx.issues.push({ code: "custom", message: "one of beginner, intermediate, advanced", input: value });
  return z.NEVER;
});

export const ScenarioFrontMatter = z.strictObject(
  {
    title: text('a title such as "Kubernetes basics"'),
    description: z.string({ error: "a text" }).optional(),
    difficulty: difficulty.optional(),
    duration: readAs(DURATION_FORM, parseDurationMinutes).optional(),
    tags: z.array(scalarText, { error: "a list of tags such as [docker, networking]" }).optional(),
    credits: z.string({ error: "a text" }).optional(),
    hosts: z.array(HostInput, { error: "a list of hosts" }).min(1, { error: "a list of at least one host" }).optional(),
    network: flag().optional(),
    terminals: z.array(TerminalInput, { error: "a list of terminals" }).optional(),
    ports: z.array(PortInput, { error: "a list of ports" }).optional(),
    links: z.array(LinkInput, { error: "a list of links" }).optional(),
    editor: EditorInput.optional(),
    assets: z.array(AssetInput, { error: "a list of assets" }).optional(),
    layout: text('a layout name such as "terminal"').optional(),
    intro: PageFilesInput.optional(),
    finish: PageFilesInput.optional(),
  },
  { error: "`key: value` fields, starting with `title`" },
);
export type ScenarioFrontMatter = z.output<typeof ScenarioFrontMatter>;

export const StepFrontMatter = z.strictObject(
  {
    title: text("a step title").optional(),
    verify: z
      .strictObject(
        {
          host: hostName.optional(),
          timeout: integer(TIMEOUT_FORM).min(1, { error: TIMEOUT_FORM }).optional(),
        },
        { error: "`host` and/or `timeout`" },
      )
      .optional(),
  },
  { error: "`key: value` fields such as `title`" },
);
export type StepFrontMatter = z.output<typeof StepFrontMatter>;
