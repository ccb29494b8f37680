// The real `circus export` writes a self-contained folder for any format: compose.yaml with one
// service per host on one network, Dockerfiles with the assets, scripts, lab.sh and a README of the steps.

import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCircus } from "../test/run-circus";

let temp = "";
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "circus-export-"));
});
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe("circus export", { timeout: 60_000 }, () => {
  it("exports a native scenario with two hosts, assets with modes, ports, and every step script", async () => {
    const out = join(temp, "native");
    const run = await runCircus(["export", "packages/scenario/fixtures/native-complete", "--out", out, "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { files: string[]; notCarried: string[] };
    const compose = parse(await readFile(join(out, "compose.yaml"), "utf8"));
    expect(compose.networks).toEqual({ lab: {} });
    expect(compose.services.node1).toMatchObject({
      build: "./hosts/node1",
      hostname: "node1",
      networks: ["lab"],
      cap_add: ["NET_ADMIN", "NET_RAW"],
      mem_limit: "1024m",
      pids_limit: 256,
      environment: { APP_ENV: "training", DEBUG: "1" },
      ports: ["127.0.0.1::8080"],
    });
    expect(compose.services.node2).toMatchObject({ build: "./hosts/node2", ports: ["127.0.0.1::9090"] });
    const dockerfile = await readFile(join(out, "hosts", "node2", "Dockerfile"), "utf8");
    expect(dockerfile).toContain("FROM circus/web:latest");
    expect(dockerfile).toContain('COPY "files/root/config.yaml" "/root/config.yaml"');
    expect(dockerfile).toContain("RUN chmod 644 '/root/config.yaml'");
    expect(report.files).toEqual(expect.arrayContaining(["scripts/02-verify.sh", "scripts/02-solve.sh", "lab.sh"]));
    expect((await stat(join(out, "lab.sh"))).mode & 0o111).not.toBe(0);
    expect(spawnSync("bash", ["-n", join(out, "lab.sh")]).status).toBe(0);
    const readme = await readFile(join(out, "README.md"), "utf8");
    expect(readme).toContain("## Step 2: ");
    expect(readme).toContain("./lab.sh check 2");
    expect(report.notCarried.length).toBeGreaterThan(0);
  });

  it("exports a KataCoda scenario (the check's 'done' rule kept) and a Kubernetes one (the missing cluster said)", async () => {
    const katacoda = join(temp, "katacoda");
    expect(
      (await runCircus(["export", "packages/scenario/fixtures/katacoda-language-editor", "--out", katacoda])).code,
    ).toBe(0);
    expect(await readFile(join(katacoda, "lab.sh"), "utf8")).toContain(
      '01-verify) echo "host01 scripts/01-verify.sh done" ;;',
    );
    expect(await readFile(join(katacoda, "hosts", "host01", "Dockerfile"), "utf8")).toContain(
      "RUN chmod 0755 '/usr/local/bin/greet.sh'",
    );

    const kubernetes = join(temp, "kubernetes");
    const run = await runCircus([
      "export",
      "packages/scenario/fixtures/killercoda-kubernetes-variant",
      "--out",
      kubernetes,
      "--json",
    ]);
    expect(JSON.parse(run.stdout).notCarried).toEqual(
      expect.arrayContaining([expect.stringMatching(/Kubernetes cluster is not available/)]),
    );
    const compose = parse(await readFile(join(kubernetes, "compose.yaml"), "utf8"));
    expect(Object.keys(compose.services)).toEqual(["controlplane", "node01"]);
    expect(await readFile(join(kubernetes, "hosts", "node01", "files", "root", "pod.yaml"), "utf8")).toContain(
      "kind: Pod",
    );
  });

  it("refuses an invalid scenario and an existing folder", async () => {
    const invalid = await runCircus([
      "export",
      "packages/scenario/fixtures/killercoda-jupyter",
      "--out",
      join(temp, "j"),
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/is not a valid scenario: index\.json:4 .*not supported/);
    const again = await runCircus([
      "export",
      "packages/scenario/fixtures/native-complete",
      "--out",
      join(temp, "native"),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; circus export never overwrites/);
  });
});
