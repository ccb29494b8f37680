// The address of a port preview: `/preview/<runId>/<host>/<port>/<path>`, parsed with zod so a bad
// run id, host or port never reaches the sandbox.
import { z } from "zod";

export const PREVIEW_PREFIX = "/preview/";

const previewAddressSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  host: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  port: z.coerce.number().int().min(1).max(65_535),
});

export interface PreviewAddress {
  runId: string;
  host: string;
  port: number;
  /** The path and query to request inside the sandbox, starting with `/`. */
  upstreamPath: string;
  /** `/preview/<runId>/<host>/<port>`, without a trailing slash. */
  prefix: string;
}

export type PreviewPathParse =
  | { kind: "preview"; address: PreviewAddress }
  /** `/preview/<runId>/<host>/<port>` without its slash: relative links need it, so redirect. */
  | { kind: "add_slash"; location: string }
  | { kind: "invalid" };

/** Parses a request URL; undefined when it is not under /preview/ at all. */
export function parsePreviewPath(url: string | undefined): PreviewPathParse | undefined {
  const raw = url ?? "/";
  if (!raw.startsWith(PREVIEW_PREFIX)) return undefined;
  const queryStart = raw.indexOf("?");
  const pathname = queryStart < 0 ? raw : raw.slice(0, queryStart);
  const search = queryStart < 0 ? "" : raw.slice(queryStart);
  const [runId, host, port, ...rest] = pathname.slice(PREVIEW_PREFIX.length).split("/");
  const parsed = previewAddressSchema.safeParse({ runId, host, port });
  if (!parsed.success || String(parsed.data.port) !== port) return { kind: "invalid" };
  const prefix = `${PREVIEW_PREFIX}${parsed.data.runId}/${parsed.data.host}/${parsed.data.port}`;
  if (rest.length === 0) return { kind: "add_slash", location: `${prefix}/${search}` };
  return { kind: "preview", address: { ...parsed.data, upstreamPath: `/${rest.join("/")}${search}`, prefix } };
}
