// circus/base, as built by scripts/images.ts, has the tools the sandbox contract promises; the Debian stand-in
// keeps the root filesystem's owners and modes.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { beforeAll, describe, expect, it } from "vitest";
import { connectEngine } from "../engine/connect-engine";
import { CONTENT_HASH_LABEL, IMAGE_LABEL } from "./image-hashes";
import { inspectImage } from "./image-status";

const BASE = "circus/base:latest";
// The contract's list first, then the rest of what docker/base/Dockerfile installs.
const TOOLS = [
  ...["curl", "jq", "python3", "socat", "ip", "ping", "dig", "git", "vim", "nano", "less", "man", "strace"],
  ...["tree", "file", "iptables", "nft", "netstat", "nc", "ps", "mount", "modprobe"],
];
let docker: Dockerode;

beforeAll(async () => {
  docker = await connectEngine();
});

/** Runs `bash -c script` in a throw-away container without network; returns exit code and output. */
async function runInBase(script: string, image = BASE): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["bash", "-c", script],
    Labels: { "circus.test": randomUUID().slice(0, 8) },
    HostConfig: { NetworkMode: "none" },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    docker.modem.demuxStream(stream, sink, sink);
    const ended = once(stream, "end");
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    await ended;
    return { exitCode: StatusCode, output: Buffer.concat(chunks).toString() };
  } finally {
    await container.remove({ force: true });
  }
}

describe("circus/base", () => {
  it("is the content-hashed build, not a stand-in", async () => {
    const labels = (await inspectImage(docker, BASE))?.Config.Labels ?? {};
    expect(labels[IMAGE_LABEL]).toBe("true");
    expect(labels[CONTENT_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("has the promised tools on the path", async () => {
    const { exitCode, output } = await runInBase(`command -v ${TOOLS.join(" ")}`);
    expect(
      output
        .trim()
        .split("\n")
        .map((path) => path.split("/").pop()),
    ).toEqual(TOOLS);
    expect(exitCode).toBe(0);
  });

  it("has manual pages and a UTF-8 locale", async () => {
    const { exitCode, output } = await runInBase('man -w ls && echo "LANG=$LANG"');
    expect(output).toMatch(/ls\.1/);
    expect(output).toContain("LANG=C.UTF-8");
    expect(exitCode).toBe(0);
  });
});

describe("circus/standin-debian", () => {
  // Files of users other than root (shadow, mail, staff), outside what the stand-in leaves out, with modes.
  const NOT_ROOTS = `find / -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /var/log -o -path /usr/share \\) -prune \
    -o ! -type l \\( ! -uid 0 -o ! -gid 0 \\) -printf '%U %G %m %p\\n' | sort`;

  it("keeps the owners and modes of the root filesystem it copies in one layer", async () => {
    const rootfs = await runInBase(NOT_ROOTS, "circus/rootfs:bookworm");
    const standin = await runInBase(`${NOT_ROOTS}; test ! -e /circus-owners`, "circus/standin-debian:latest");
    expect(rootfs.exitCode).toBe(0);
    expect(rootfs.output).toContain("0 42 640 /etc/shadow");
    expect(rootfs.output).toContain("0 42 2755 /usr/bin/expiry");
    expect(standin).toEqual({ exitCode: 0, output: rootfs.output });
  });
});
