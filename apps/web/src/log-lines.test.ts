import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { formatLogLine } from "./log-lines";
import { createLogger } from "./logger";

/** Collects what a logger writes. */
function sink() {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
}

describe("log lines", () => {
  it("writes readable lines (time, level, module, message, fields, error stack) in the pretty format", () => {
    const output = sink();
    const logger = createLogger({ logLevel: "info", nodeEnv: "production", logFormat: "pretty" }, output);
    logger.child({ module: "sandbox" }).warn({ environment: "ab12", hosts: 2, why: "two words" }, "host stopped");
    logger.error({ err: new Error("engine gone") }, "request failed");
    const plain = output.lines.join("").replaceAll(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g"), "");
    expect(plain).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}\[sandbox\] host stopped environment=ab12 hosts=2 why="two words"\n/,
    );
    expect(plain).toMatch(/\d\d:\d\d:\d\d ERROR request failed\n {4}Error: engine gone\n +at /);
    expect(plain).not.toContain('"level"');
  });

  it("keeps JSON lines in the json format", () => {
    const output = sink();
    createLogger({ logLevel: "info", nodeEnv: "production", logFormat: "json" }, output).info({ run: "r1" }, "ready");
    expect(JSON.parse(output.lines[0]!)).toMatchObject({ level: 30, msg: "ready", run: "r1", app: "circus-web" });
  });

  it("passes a line that is not JSON through", () => {
    expect(formatLogLine("plain text")).toBe("plain text\n");
  });

  it("defaults to readable lines on a terminal only, and to JSON for files, pipes and CI", () => {
    const format = (env: Record<string, string>, stdoutIsTty: boolean) =>
      parseConfig({ CIRCUS_SECRET: "s".repeat(32), ...env }, [], process.cwd(), { stdoutIsTty }).logFormat;
    expect(format({}, true)).toBe("pretty");
    expect(format({}, false)).toBe("json");
    expect(format({ CI: "true" }, true)).toBe("json");
    expect(format({ CI: "false" }, true)).toBe("pretty");
    expect(format({ CIRCUS_LOG_FORMAT: "json" }, true)).toBe("json");
    expect(format({ CIRCUS_LOG_FORMAT: "pretty" }, false)).toBe("pretty");
    expect(() => format({ CIRCUS_LOG_FORMAT: "xml" }, true)).toThrow(/CIRCUS_LOG_FORMAT/);
  });
});
