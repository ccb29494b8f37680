// The labels on every container and network of an environment: enough to find them again and to
// rebuild the Environment after the runtime restarts (the spec itself travels as compact JSON).
import packageJson from "../../package.json" with { type: "json" };
import { type EnvironmentSpec, environmentSpecSchema } from "./environment";

export const LABEL = {
  environment: "circus.environment",
  expiresAt: "circus.expires-at",
  createdAt: "circus.created-at",
  version: "circus.version",
  host: "circus.host",
  owner: "circus.owner",
  spec: "circus.spec",
} as const;

export const RUNTIME_VERSION: string = packageJson.version;

export interface EnvironmentLabelInput {
  id: string;
  spec: EnvironmentSpec;
  createdAt: Date;
  expiresAt: Date;
  /** Labels of the runtime itself (its scope), put on everything it creates. */
  scopeLabels: Record<string, string>;
}

/** Labels shared by an environment's network and containers. */
export function environmentLabels(input: EnvironmentLabelInput): Record<string, string> {
  return {
    ...input.spec.labels,
    ...input.scopeLabels,
    [LABEL.environment]: input.id,
    [LABEL.expiresAt]: input.expiresAt.toISOString(),
    [LABEL.createdAt]: input.createdAt.toISOString(),
    [LABEL.version]: RUNTIME_VERSION,
    ...(input.spec.owner === undefined ? {} : { [LABEL.owner]: input.spec.owner }),
  };
}

/** Labels of one host's container: the environment's, plus the host name and the spec. */
export function hostLabels(input: EnvironmentLabelInput, hostName: string): Record<string, string> {
  return { ...environmentLabels(input), [LABEL.host]: hostName, [LABEL.spec]: JSON.stringify(input.spec) };
}

export interface LabelledEnvironment {
  id: string;
  spec: EnvironmentSpec;
  createdAt: Date;
  expiresAt: Date;
}

/** Reads an environment back from a container's labels; undefined when they are missing or malformed. */
export function environmentFromLabels(labels: Record<string, string>): LabelledEnvironment | undefined {
  const id = labels[LABEL.environment];
  const createdAt = new Date(labels[LABEL.createdAt] ?? "");
  const expiresAt = new Date(labels[LABEL.expiresAt] ?? "");
  if (!id || Number.isNaN(createdAt.getTime()) || Number.isNaN(expiresAt.getTime())) return undefined;
  let specJson: unknown;
  try {
    specJson = JSON.parse(labels[LABEL.spec] ?? "");
  } catch {
    return undefined;
  }
  const spec = environmentSpecSchema.safeParse(specJson);
  if (!spec.success) return undefined;
  return { id, spec: spec.data, createdAt, expiresAt };
}

/** Docker's label filter syntax (`key=value`) for a set of labels. */
export function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}
