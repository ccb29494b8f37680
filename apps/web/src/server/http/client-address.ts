// The one answer to "which client sent this request", used by every per-address limit (starts, sign-in,
// sign-up, joins, environments held): X-Forwarded-For counts only when the peer is a trusted proxy.
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/** What the client-address function needs of the configuration. */
export interface ClientAddressConfig {
  /** CIDRs (CIRCUS_TRUSTED_PROXIES) whose X-Forwarded-For is believed; empty: never. */
  trustedProxies: readonly string[];
}

const blockLists = new WeakMap<ClientAddressConfig, BlockList>();

/** Whether `text` is an IPv4 or IPv6 CIDR (`10.0.0.0/8`, `::1/128`) or a single address. */
export function isCidr(text: string): boolean {
  const [address = "", prefix, extra] = text.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the nearest
 * X-Forwarded-For hop (from the right) that is not itself a trusted proxy. IPv4-mapped IPv6 is unmapped.
 */
export function clientAddress(config: ClientAddressConfig, req: IncomingMessage): string {
  const peer = normalize(req.socket.remoteAddress ?? "");
  if (peer === "") return "unknown";
  const trusted = trustedList(config);
  if (!trusted || !isTrusted(trusted, peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((hop) => normalize(hop.trim()))
    .filter((hop) => hop !== "");
  let nearest = peer;
  for (const hop of hops.reverse()) {
    // A hop that is not an address was written by someone we do not trust: stop at the last good one.
    if (isIP(hop) === 0) return nearest;
    nearest = hop;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return nearest;
}

/**
 * The key per-address limits count under: an IPv4 address itself, an IPv6 address's /64 (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressGroup(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address).slice(0, 4);
  return `${groups.map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** Whether the request's TCP peer is one of the trusted proxies (CIRCUS_TRUSTED_PROXIES). */
export function isTrustedProxyPeer(config: ClientAddressConfig, req: Pick<IncomingMessage, "socket">): boolean {
  const trusted = trustedList(config);
  const peer = normalize(req.socket.remoteAddress ?? "");
  return trusted !== undefined && peer !== "" && isTrusted(trusted, peer);
}

/** The limit key of a request's client: `addressGroup(clientAddress(...))`. */
export function clientAddressGroup(config: ClientAddressConfig, req: IncomingMessage): string {
  return addressGroup(clientAddress(config, req));
}

function trustedList(config: ClientAddressConfig): BlockList | undefined {
  if (config.trustedProxies.length === 0) return undefined;
  let list = blockLists.get(config);
  if (!list) {
    list = new BlockList();
    for (const cidr of config.trustedProxies) {
      const [address = "", prefix] = cidr.split("/");
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      list.addSubnet(normalize(address), Number(prefix ?? (family === "ipv6" ? 128 : 32)), family);
    }
    blockLists.set(config, list);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; anything else as it is (lower case). */
function normalize(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped?.[1] ?? lower;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two). */
function expandIpv6(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const parts = (text: string | undefined) =>
    (text ? text.split(":") : []).flatMap((part) => {
      if (!part.includes(".")) return [part];
      const [a = 0, b = 0, c = 0, d = 0] = part.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const left = parts(head);
  const right = parts(tail);
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => group.padStart(4, "0"));
}
