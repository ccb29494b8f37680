// The helper's command line is read back by a real POSIX sh (this machine's /bin/sh) word for word.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { helperCommandLine, quote } from "./command-helper-script";

const run = promisify(execFile);

describe("quote", () => {
  it("gives sh the same words back, newlines and quotes included", async () => {
    const words = ["plain", "it's", "two\nlines", "$HOME `id` $(id)", '"double"', "", "\\back\\slash", "tab\there"];
    const script = `nl='\n'\nfor word in ${words.map(quote).join(" ")}; do printf '<%s>' "$word"; done`;
    const { stdout } = await run("sh", ["-c", script]);
    expect(stdout).toBe(words.map((word) => `<${word}>`).join(""));
  });
});

describe("helperCommandLine", () => {
  it("is one line that sets env, the workdir and the backstop", () => {
    const line = helperCommandLine({
      argv: ["bash", "-c", "echo 'a'\necho b"],
      env: ["GREETING=hi\nthere"],
      workdir: "/tmp/my dir",
      backstopSeconds: 12,
    });
    expect(line).not.toContain("\n");
    expect(line).toBe(
      `cd '/tmp/my dir' && env 'GREETING=hi'"$nl"'there' timeout -s KILL 12 'bash' '-c' 'echo '\\''a'\\'''"$nl"'echo b'`,
    );
  });
});
