import { describe, expect, it } from "vitest";
import { HOST_FIREWALL_TABLE, hostFirewallScript, SANDBOX_BRIDGE_PREFIX, sandboxBridgeName } from "./host-firewall";

describe("host firewall", () => {
  it("names every sandbox bridge with the prefix the rules match, within the kernel's 15 characters", () => {
    const name = sandboxBridgeName("0123456789ab");
    expect(name).toBe(`${SANDBOX_BRIDGE_PREFIX}012345678`);
    expect(name.length).toBeLessThanOrEqual(15);
  });

  it("replaces both tables atomically and drops only what enters from sandbox bridges, labelled", () => {
    const script = hostFirewallScript();
    for (const family of ["inet", "arp"]) {
      // Declare-then-delete-then-define: running it twice leaves one copy, never two.
      expect(script).toContain(
        `table ${family} ${HOST_FIREWALL_TABLE} {}\ndelete table ${family} ${HOST_FIREWALL_TABLE}\n`,
      );
    }
    expect(script.match(/iifname "circus\*" counter drop comment "circus sandbox guard"/g)).toHaveLength(2);
    expect(script).toContain("--remove-host-firewall");
    expect(script).not.toMatch(/oifname|policy drop/);
  });
});
