// The host firewall that keeps sandbox networks off the machine itself: every packet (IPv4, IPv6
// and ARP) that enters the machine from a Circus sandbox bridge (`circus*`) is dropped, so a lab
// with NET_ADMIN that routes out of its internal network reaches neither the engine's bridge
// addresses nor any other address of the host. One nftables table per family, installed and
// removed as a whole by `npm start` / `scripts/ensure-engine.ts`; nothing else on the machine changes.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Every sandbox network's bridge is named `circus<9 hex>` (15 characters, the kernel's limit). */
export const SANDBOX_BRIDGE_PREFIX = "circus";
/** The nftables table (in the `inet` and `arp` families) that holds the rules. */
export const HOST_FIREWALL_TABLE = "circus_sandbox_guard";

/** Runs a program with an argv array and optional stdin; resolves with its stdout. */
export type HostRunner = (argv: string[], input?: string) => Promise<string>;

export interface HostFirewallOptions {
  /** How `nft` is run; default: on this machine. Tests pass one that runs inside their own network namespace. */
  runner?: HostRunner;
  /** Table name; default HOST_FIREWALL_TABLE. */
  table?: string;
}

/** The bridge interface name of an environment's network. */
export function sandboxBridgeName(environmentId: string): string {
  return `${SANDBOX_BRIDGE_PREFIX}${environmentId.slice(0, 9)}`;
}

/** The nft script that (re)defines the tables atomically: existing copies are replaced, never duplicated. */
export function hostFirewallScript(table = HOST_FIREWALL_TABLE): string {
  const chain = (family: string) =>
    [
      `table ${family} ${table} {}`,
      `delete table ${family} ${table}`,
      `table ${family} ${table} {`,
      `  comment "Circus: sandbox networks cannot reach this machine; removed by scripts/ensure-engine.ts --remove-host-firewall"`,
      "  chain input {",
      "    type filter hook input priority filter - 10; policy accept;",
      `    iifname "${SANDBOX_BRIDGE_PREFIX}*" counter drop comment "circus sandbox guard"`,
      "  }",
      "}",
    ].join("\n");
  return `${chain("inet")}\n${chain("arp")}\n`;
}

export async function installHostFirewall(options: HostFirewallOptions = {}): Promise<void> {
  await runnerOf(options)(["nft", "-f", "-"], hostFirewallScript(options.table));
}

/** Removes both tables; a no-op when they are not there. */
export async function removeHostFirewall(options: HostFirewallOptions = {}): Promise<void> {
  const table = options.table ?? HOST_FIREWALL_TABLE;
  const script = ["inet", "arp"]
    .map((family) => `table ${family} ${table} {}\ndelete table ${family} ${table}\n`)
    .join("");
  await runnerOf(options)(["nft", "-f", "-"], script);
}

/** Whether both tables are in place (false when nft is missing or not allowed). */
export async function hostFirewallInstalled(options: HostFirewallOptions = {}): Promise<boolean> {
  const table = options.table ?? HOST_FIREWALL_TABLE;
  try {
    const listed = await runnerOf(options)(["nft", "list", "tables"]);
    return listed.includes(`table inet ${table}`) && listed.includes(`table arp ${table}`);
  } catch {
    return false;
  }
}

function runnerOf(options: HostFirewallOptions): HostRunner {
  return options.runner ?? localRunner;
}

const localRunner: HostRunner = async (argv, input) => {
  const [command, ...args] = argv;
  const child = run(command!, args);
  // A command that exits without reading its input (nft refusing at once) must not crash us with EPIPE:
  // its exit status says what went wrong.
  child.child.stdin?.on("error", () => {});
  child.child.stdin?.end(input ?? "");
  return (await child).stdout;
};
