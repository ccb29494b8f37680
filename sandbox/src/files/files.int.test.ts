// Copying files into a real sandbox container and reading them back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { runCommand } from "../commands/run-command";
import { FileNotFoundError, FileTooLargeError, InvalidFilePathError } from "../errors";
import { copyFiles, writeFile } from "./copy-files";
import { readFile } from "./read-file";

let scope: TestScope;
let containerId: string;

beforeAll(async () => {
  scope = createTestScope();
  const runtime = await scope.runtime();
  const environment = await runtime.create(scope.spec(["node1"]));
  containerId = runtime.containerOf(environment.id, "node1");
});
afterAll(async () => {
  await scope.cleanup();
});

const shell = async (script: string) => (await runCommand(scope.docker, containerId, { script })).stdout.trim();

describe("copyFiles", () => {
  it("writes files with their modes, creating parent folders, ~ meaning /root", async () => {
    await copyFiles(scope.docker, containerId, [
      { path: "/opt/lab/deep/run.sh", content: "#!/bin/sh\necho ran\n", mode: 0o755 },
      { path: "~/notes/secret.txt", content: Buffer.from("top secret"), mode: 0o600 },
      { path: "/etc/motd-lab", content: "plain" },
    ]);
    expect(await shell("stat -c %a /opt/lab/deep/run.sh /root/notes/secret.txt /etc/motd-lab")).toBe("755\n600\n644");
    expect(await shell("/opt/lab/deep/run.sh")).toBe("ran");
    expect(await shell("cat /root/notes/secret.txt")).toBe("top secret");
    expect(await shell("stat -c %a /opt/lab /opt/lab/deep")).toBe("755\n755");
  });

  it("writes into the tmpfs folders where commands see the files", async () => {
    await copyFiles(scope.docker, containerId, [
      { path: "/tmp/lab/in-tmpfs.sh", content: "echo from tmpfs", mode: 0o700 },
      { path: "/opt/beside.txt", content: "beside" },
    ]);
    expect(await shell("stat -c %a /tmp/lab/in-tmpfs.sh; bash /tmp/lab/in-tmpfs.sh; cat /opt/beside.txt")).toBe(
      "700\nfrom tmpfs\nbeside",
    );
  });

  it("leaves the modes of existing parent folders alone", async () => {
    await writeFile(scope.docker, containerId, "/tmp/inside-tmp.txt", "x");
    await writeFile(scope.docker, containerId, "~/inside-root.txt", "x");
    expect(await shell("stat -c %a /tmp /root")).toBe("1777\n700");
  });

  it("rejects relative and .. paths", async () => {
    await expect(writeFile(scope.docker, containerId, "relative.txt", "x")).rejects.toThrow(InvalidFilePathError);
    await expect(writeFile(scope.docker, containerId, "/tmp/../etc/x", "x")).rejects.toThrow(InvalidFilePathError);
  });
});

describe("readFile", () => {
  it("round-trips binary content written with writeFile", async () => {
    const content = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 256));
    await writeFile(scope.docker, containerId, "/srv/data.bin", content);
    expect((await readFile(scope.docker, containerId, "/srv/data.bin")).equals(content)).toBe(true);
  });

  it("reads what a command wrote, through a symbolic link", async () => {
    await shell("echo hello > /root/original.txt && ln -sf original.txt /root/link.txt");
    expect((await readFile(scope.docker, containerId, "~/link.txt")).toString()).toBe("hello\n");
  });

  it("reads files in the tmpfs folders, also through a link from elsewhere", async () => {
    await shell("printf 'tmp\\000data' > /tmp/made-inside && ln -sf /tmp/made-inside /root/to-tmp");
    expect(await readFile(scope.docker, containerId, "/tmp/made-inside")).toEqual(Buffer.from("tmp\0data"));
    expect(await readFile(scope.docker, containerId, "~/to-tmp")).toEqual(Buffer.from("tmp\0data"));
  });

  it("throws FileNotFoundError for a missing file or a folder", async () => {
    for (const path of ["/no/such/file", "/etc", "/tmp/no-such-file", "/tmp"]) {
      await expect(readFile(scope.docker, containerId, path), path).rejects.toThrow(FileNotFoundError);
    }
  });

  it("throws FileTooLargeError beyond maxBytes, in and out of tmpfs", async () => {
    await shell("head -c 5000 /dev/zero > /tmp/big; head -c 5000 /dev/zero > /srv/big");
    const inRootfs = await readFile(scope.docker, containerId, "/srv/big", { maxBytes: 4096 }).catch(
      (caught) => caught,
    );
    expect(inRootfs).toBeInstanceOf(FileTooLargeError);
    const error = await readFile(scope.docker, containerId, "/tmp/big", { maxBytes: 4096 }).catch((caught) => caught);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toMatchObject({ sizeBytes: 5000, maxBytes: 4096 });
    expect((await readFile(scope.docker, containerId, "/tmp/big", { maxBytes: 5000 })).length).toBe(5000);
  });
});
