import { describe, expect, it } from "vitest";
import { resolveTerminalTarget } from "./terminal-target";

const lab = {
  scenario: {
    terminals: [
      { id: "1", title: "Terminal", host: "controlplane" },
      { id: "logs", title: "Logs", host: "node01", command: ["journalctl", "-f"] },
    ],
  },
  environment: {
    hosts: [{ name: "controlplane" }, { name: "node01" }],
  },
} as unknown as Parameters<typeof resolveTerminalTarget>[0];

describe("resolveTerminalTarget", () => {
  it("uses a declared terminal's host and command", () => {
    expect(resolveTerminalTarget(lab, "logs", undefined)).toEqual({
      ok: true,
      target: { terminalId: "logs", host: "node01", command: ["journalctl", "-f"] },
    });
  });

  it("opens undeclared numeric terminals on the first host with a login shell", () => {
    expect(resolveTerminalTarget(lab, "3", "controlplane")).toEqual({
      ok: true,
      target: { terminalId: "3", host: "controlplane" },
    });
  });

  it("refuses unknown terminal ids, unknown hosts and a host the terminal does not run on", () => {
    expect(resolveTerminalTarget(lab, "10", undefined)).toMatchObject({ ok: false, status: 404 });
    expect(resolveTerminalTarget(lab, "shell", undefined)).toMatchObject({ ok: false, status: 404 });
    expect(resolveTerminalTarget(lab, "1", "node99")).toMatchObject({ ok: false, status: 404 });
    expect(resolveTerminalTarget(lab, "logs", "controlplane")).toMatchObject({ ok: false, status: 400 });
  });
});
