// Which deployments `circus loadtest` may drive: loopback by default; any other address only with
// --allow-remote, which says the operator runs that deployment (a load test is indistinguishable from an attack).
import { isIP } from "node:net";
import { UsageError } from "../cli-errors";

export interface LoadTarget {
  /** scheme://host:port */
  origin: string;
  /** The server is on this machine: its engine can be measured too. */
  loopback: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host.startsWith("::ffff:127.");
  return false;
}

export function parseLoadTarget(text: string, allowRemote: boolean): LoadTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL`, "give the deployment's address, e.g. http://127.0.0.1:3000");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `"${text}" is not an http(s) URL`,
      "give the deployment's address, e.g. http://127.0.0.1:3000",
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (!loopback && !allowRemote) {
    throw new UsageError(
      `${url.host} is not a loopback address`,
      "load-test only a deployment you run: add --allow-remote to confirm that it is yours, or run the test on the server's machine against http://127.0.0.1:<port>",
    );
  }
  return { origin: url.origin, loopback };
}
