import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { prepareFirstAdminSetup } from "./first-admin-setup";

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const origins = { allowedOrigins: ["http://localhost:3000"] };

describe("prepareFirstAdminSetup", () => {
  it("prints a random one-time token while no instructor exists, and accepts only it, once", async () => {
    const { logger, lines } = capturedLogger();
    const setup = await prepareFirstAdminSetup({ countInstructors: async () => 0 }, origins, logger);
    await new Promise((resolve) => setImmediate(resolve));
    const printed = lines.find((line) => typeof line.setupToken === "string");
    expect(printed?.signUp).toBe(`http://localhost:3000/instructor/sign-up?setup=${printed?.setupToken}`);
    const token = String(printed?.setupToken);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setup.pending).toBe(true);
    expect(setup.accepts(`${token}x`)).toBe(false);
    expect(setup.accepts(token)).toBe(true);
    setup.close();
    expect(setup.accepts(token)).toBe(false);
    expect(setup.pending).toBe(false);
  });

  it("draws a new token at each start, and none once an instructor exists", async () => {
    const first = capturedLogger();
    const second = capturedLogger();
    await prepareFirstAdminSetup({ countInstructors: async () => 0 }, origins, first.logger);
    await prepareFirstAdminSetup({ countInstructors: async () => 0 }, origins, second.logger);
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.lines[0]?.setupToken).not.toBe(second.lines[0]?.setupToken);

    const claimed = capturedLogger();
    const setup = await prepareFirstAdminSetup({ countInstructors: async () => 1 }, origins, claimed.logger);
    expect(setup.pending).toBe(false);
    expect(claimed.lines).toEqual([]);
  });

  it("uses CIRCUS_SETUP_TOKEN when set, without echoing it", async () => {
    const { logger, lines } = capturedLogger();
    const setupToken = "a".repeat(40);
    const setup = await prepareFirstAdminSetup({ countInstructors: async () => 0 }, { ...origins, setupToken }, logger);
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.stringify(lines)).not.toContain(setupToken);
    expect(setup.accepts(setupToken)).toBe(true);
  });
});
