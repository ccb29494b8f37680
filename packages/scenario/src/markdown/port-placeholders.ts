// Finds the placeholders that stand for a host's port preview or address, in both syntaxes:
// `{{port:node1:8080}}`, `{{TRAFFIC_HOST1_80}}`, `{{TRAFFIC_SELECTOR}}`, KataCoda's
// `https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/` and `[[HOST2_IP]]`.
import type { WordIssue } from "./directive-words";

export type Placeholder =
  /** A port preview URL; `path` is what followed the placeholder (`/status` of `{{port:node1:80}}/status`). */
  | { kind: "port"; start: number; end: number; host: string; port: number; path?: string }
  /** The page where the learner picks a port. */
  | { kind: "selector"; start: number; end: number }
  /** A host's address, which is its name since hosts reach each other by name. */
  | { kind: "host-address"; start: number; end: number; host: string }
  /** A placeholder that names no declared host or no valid port: left as text. */
  | { kind: "invalid"; start: number; end: number; issue: WordIssue };

// Every quantifier is bounded, so a failed match costs a constant and a scan stays linear.
const PLACEHOLDER =
  /\{\{port:([^:{}\s]{1,64}):([^{}\s]{0,16})\}\}|\{\{TRAFFIC_HOST(\d{1,4})_([^{}\s]{0,16})\}\}|\{\{TRAFFIC_SELECTOR\}\}|(?:https?:\/\/)?\[\[HOST(\d{0,4})_SUBDOMAIN\]\]-([^\s[\]-]{0,16})-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com|\[\[HOST(\d{0,4})_IP\]\]/g;
const PATH_AFTER = /\/[^\s<>"'`()[\]{}]{0,2048}/y;

/** Every placeholder in `text`, in order. `hosts` are the scenario's host names, for `HOSTn`. */
export function findPlaceholders(text: string, hosts: readonly string[]): Placeholder[] {
  const found: Placeholder[] = [];
  if (!text.includes("{{") && !text.includes("[[")) return found;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index;
    let end = start + match[0].length;
    const [whole, portHost, portNumber, trafficHost, trafficPort, subdomainHost, subdomainPort, ipHost] = match;
    if (whole === "{{TRAFFIC_SELECTOR}}") {
      found.push({ kind: "selector", start, end });
      continue;
    }
    if (ipHost !== undefined) {
      const host = nthHost(ipHost, hosts);
      found.push(
        typeof host === "string"
          ? { kind: "host-address", start, end, host }
          : { kind: "invalid", start, end, issue: host },
      );
      continue;
    }
    const host =
      portHost !== undefined
        ? /^host\d{1,4}$/i.test(portHost)
          ? nthHost(portHost.slice(4), hosts)
          : portHost
        : nthHost(trafficHost ?? subdomainHost ?? "", hosts);
    const port = readPort(portNumber ?? trafficPort ?? subdomainPort ?? "", whole);
    if (typeof host !== "string" || typeof port !== "number") {
      found.push({ kind: "invalid", start, end, issue: typeof host === "string" ? (port as WordIssue) : host });
      continue;
    }
    PATH_AFTER.lastIndex = end;
    const pathMatch = PATH_AFTER.exec(text);
    let path: string | undefined;
    if (pathMatch) {
      path = pathMatch[0].replace(/[.,;:!?]+$/, "");
      end += path.length;
    }
    found.push({ kind: "port", start, end, host, port, path });
  }
  return found;
}

/** Replaces every valid placeholder in `text` with what `resolve` returns for it. */
export function replacePlaceholders(
  text: string,
  hosts: readonly string[],
  resolve: (placeholder: Exclude<Placeholder, { kind: "invalid" }>) => string,
): string {
  const placeholders = findPlaceholders(text, hosts);
  if (placeholders.length === 0) return text;
  let out = "";
  let from = 0;
  for (const placeholder of placeholders) {
    if (placeholder.kind === "invalid") continue;
    out += text.slice(from, placeholder.start) + resolve(placeholder);
    from = placeholder.end;
  }
  return out + text.slice(from);
}

function nthHost(digits: string, hosts: readonly string[]): string | WordIssue {
  const n = digits === "" ? 1 : Number(digits);
  const name = n >= 1 ? hosts[n - 1] : undefined;
  if (name) return name;
  return {
    severity: "error",
    code: "directive-host",
    message: `HOST${n} but the scenario declares ${hosts.length} host${hosts.length === 1 ? "" : "s"}`,
    fix: `use HOST1${hosts.length > 1 ? ` to HOST${hosts.length}` : ""}, or declare more hosts`,
  };
}

function readPort(digits: string, written: string): number | WordIssue {
  const port = /^\d{1,5}$/.test(digits) ? Number(digits) : Number.NaN;
  if (port >= 1 && port <= 65535) return port;
  return {
    severity: "error",
    code: "port-invalid",
    message: `${written} names port "${digits}", which is not a port number`,
    fix: "use a port number from 1 to 65535",
  };
}

/**
 * A command as it runs inside the sandbox: `[[HOST2_IP]]` becomes the host's name (hosts reach each other
 * by name) and a port placeholder the host's own address, `http://host02:8080/path`. What the player
 * types is the rendered text, which resolves the same placeholders the same way for host addresses.
 */
export function resolveCommandPlaceholders(text: string, hosts: readonly string[]): string {
  return replacePlaceholders(text, hosts, (placeholder) => {
    if (placeholder.kind === "host-address") return placeholder.host;
    if (placeholder.kind === "port") return `http://${placeholder.host}:${placeholder.port}${placeholder.path ?? "/"}`;
    return "";
  });
}
