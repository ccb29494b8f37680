// The editor's file API against the real server and engine: a GET/PUT round trip that keeps the file's
// mode, new files, size and path limits, CSRF, and other learners' runs (404).
import type { EnvironmentHandle } from "@circus/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAB_HOST, type LabFixture, startLabFixture } from "../terminals/terminal-test-client";
import type { LearnerClient } from "../test/web-test-server";
import { MAX_EDITOR_FILE_BYTES } from "./editor-files";

let lab: LabFixture;
let owner: LearnerClient;
let runId: string;
let environment: EnvironmentHandle;

beforeAll(async () => {
  lab = await startLabFixture();
  owner = await lab.learner();
  runId = await lab.startReadyRun(owner);
  environment = lab.server.app.context.runtime.environment(await lab.environmentOf(runId));
});

afterAll(async () => {
  await lab?.dispose();
});

function filesUrl(path: string, host = LAB_HOST): string {
  return `/api/runs/${runId}/files?${new URLSearchParams({ host, path })}`;
}

async function inSandbox(script: string): Promise<string> {
  const result = await environment.commands.run(LAB_HOST, { script });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout;
}

describe("the editor's file API", () => {
  it("reads and saves a file, keeping its mode", async () => {
    await inSandbox("printf 'echo one\\n' > /root/run.sh && chmod 4750 /root/run.sh");
    const read = await owner.request("GET", filesUrl("~/run.sh"));
    expect(read.status).toBe(200);
    expect(read.json).toEqual({ content: "echo one\n" });

    const content = "#!/bin/sh\necho two — ünïcode\n";
    const saved = await owner.request("PUT", filesUrl("~/run.sh"), { body: { content } });
    expect(saved.status).toBe(200);
    expect((await owner.request("GET", filesUrl("/root/run.sh"))).json).toEqual({ content });
    expect(await inSandbox("stat -c '%a' /root/run.sh")).toBe("4750\n");
  });

  it("writes through a symbolic link to its target", async () => {
    await inSandbox(
      "printf 'old\\n' > /root/target.txt && chmod 600 /root/target.txt && ln -sf /root/target.txt /root/link.txt",
    );
    expect((await owner.request("PUT", filesUrl("/root/link.txt"), { body: { content: "new\n" } })).status).toBe(200);
    expect(await inSandbox("readlink /root/link.txt && cat /root/target.txt && stat -c '%a' /root/target.txt")).toBe(
      "/root/target.txt\nnew\n600\n",
    );
  });

  it("creates a new file (and its folders) and reads files under /tmp", async () => {
    const saved = await owner.request("PUT", filesUrl("~/app/conf/new.yaml"), { body: { content: "a: 1\n" } });
    expect(saved.status).toBe(200);
    expect(await inSandbox("cat /root/app/conf/new.yaml")).toBe("a: 1\n");
    await inSandbox("echo in-tmp > /tmp/note.txt");
    expect((await owner.request("GET", filesUrl("/tmp/note.txt"))).json).toEqual({ content: "in-tmp\n" });
  });

  it("answers clear errors for missing files, bad paths, unknown hosts, binary and oversized files", async () => {
    const missing = await owner.request("GET", filesUrl("/root/nope.txt"));
    expect([missing.status, missing.json.error.code]).toEqual([404, "file_not_found"]);
    for (const path of ["relative.txt", "/root/../etc/passwd"]) {
      expect((await owner.request("GET", filesUrl(path))).status).toBe(400);
    }
    const unknownHost = await owner.request("GET", filesUrl("/etc/hostname", "node9"));
    expect([unknownHost.status, unknownHost.json.error.code]).toEqual([404, "host_not_found"]);
    await inSandbox("head -c 100 /dev/urandom > /root/blob.bin; printf '\\377\\376' >> /root/blob.bin");
    expect((await owner.request("GET", filesUrl("/root/blob.bin"))).status).toBe(415);
    await inSandbox(`head -c ${MAX_EDITOR_FILE_BYTES + 1} /dev/zero > /root/big.txt`);
    expect((await owner.request("GET", filesUrl("/root/big.txt"))).status).toBe(413);
    const tooBig = await owner.request("PUT", filesUrl("/root/big2.txt"), {
      body: { content: "é".repeat(MAX_EDITOR_FILE_BYTES / 2 + 1) },
    });
    expect(tooBig.status).toBe(413);
  });

  it("refuses saves without the CSRF token and hides the run from other learners", async () => {
    const refused = await owner.request("PUT", filesUrl("/root/csrf.txt"), { body: { content: "x" }, csrf: "none" });
    expect([refused.status, refused.json.error.code]).toEqual([403, "csrf"]);
    const stranger = await lab.learner();
    expect((await stranger.request("GET", filesUrl("/etc/hostname"))).status).toBe(404);
    expect((await stranger.request("PUT", filesUrl("/root/x.txt"), { body: { content: "x" } })).status).toBe(404);
    expect((await environment.commands.run(LAB_HOST, { script: "test -e /root/csrf.txt" })).exitCode).toBe(1);
  });
});
