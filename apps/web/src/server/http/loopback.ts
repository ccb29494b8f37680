// Where a request comes from, as far as this server can tell without trusting anyone: the TCP peer.
// "Direct loopback" is a client on this machine that no proxy forwarded (a proxy on the same machine
// adds X-Forwarded-For or Forwarded, and then the request really comes from the internet).
import type { IncomingMessage } from "node:http";
import { type ClientAddressConfig, isTrustedProxyPeer } from "./client-address";

export function isLoopbackPeer(req: Pick<IncomingMessage, "socket">): boolean {
  const address = req.socket.remoteAddress ?? "";
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

export function isDirectLoopbackRequest(req: Pick<IncomingMessage, "socket" | "headers">): boolean {
  const forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"].some((name) => req.headers[name] !== undefined);
  return isLoopbackPeer(req) && !forwarded;
}

/**
 * Whether the browser reached Circus over HTTPS: TLS on this socket, every allowed origin HTTPS (the
 * operator put a TLS proxy in front), or a proxy on this machine or a trusted proxy (CIRCUS_TRUSTED_PROXIES)
 * saying so in X-Forwarded-Proto.
 */
export function isServedOverHttps(
  req: Pick<IncomingMessage, "socket" | "headers">,
  config: { allowedOrigins: readonly string[] } & ClientAddressConfig,
): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (config.allowedOrigins.length > 0 && config.allowedOrigins.every((origin) => origin.startsWith("https://"))) {
    return true;
  }
  const proto = req.headers["x-forwarded-proto"];
  const proxied = isLoopbackPeer(req) || isTrustedProxyPeer(config, req);
  return proxied && typeof proto === "string" && proto.split(",")[0]?.trim().toLowerCase() === "https";
}
