// docker/stack.yml parses and references what exists: the images it runs are built by docker/web, by
// docker/stack's Dockerfile targets or listed in docker/images.json, its config files are in the repository, the web
// service runs several replicas on the stack's PostgreSQL, and HAProxy's servers are that service.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { parseConfig } from "../../config";

const DOCKER_DIR = fileURLToPath(new URL("../../../../../docker/", import.meta.url));
const HAPROXY_BINARY = "/usr/sbin/haproxy";

const serviceSchema = z.object({
  image: z.string(),
  environment: z.record(z.string(), z.string()).optional(),
  configs: z.array(z.object({ source: z.string(), target: z.string() })).optional(),
  secrets: z
    .array(
      z.union([
        z.string(),
        z.object({ source: z.string(), target: z.string(), uid: z.string(), gid: z.string(), mode: z.number() }),
      ]),
    )
    .optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.object({ target: z.number(), published: z.number(), mode: z.string() })).optional(),
  networks: z.array(z.string()),
  deploy: z.object({ replicas: z.number().int().min(1), endpoint_mode: z.string().optional() }).passthrough(),
});
const stackSchema = z.object({
  version: z.string(),
  services: z.record(z.string(), serviceSchema),
  configs: z.record(z.string(), z.object({ file: z.string() })),
  secrets: z.record(z.string(), z.object({ external: z.literal(true) })),
  volumes: z.record(z.string(), z.null()),
  networks: z.record(z.string(), z.object({ driver: z.literal("overlay") }).passthrough()),
});

const stack = stackSchema.parse(parse(readFileSync(join(DOCKER_DIR, "stack.yml"), "utf8")));
const stackTargets = [
  ...readFileSync(join(DOCKER_DIR, "stack", "Dockerfile"), "utf8").matchAll(/^FROM \S+ AS (\S+)$/gm),
].map((match) => match[1]);
const listedImages = z
  .object({ images: z.array(z.object({ name: z.string() })) })
  .parse(JSON.parse(readFileSync(join(DOCKER_DIR, "images.json"), "utf8")))
  .images.map((image) => image.name);

describe("docker/stack.yml", () => {
  it("runs web replicas, HAProxy, PostgreSQL and the registry, from images this repository builds", () => {
    expect(Object.keys(stack.services).sort()).toEqual(["haproxy", "postgres", "registry", "web"]);
    for (const [name, service] of Object.entries(stack.services)) {
      // Named by the operator's registry: a bare name would make Swarm look it up on Docker Hub.
      expect(service.image, `${name}: its image is not named by CIRCUS_REGISTRY`).toMatch(/^\$\{CIRCUS_REGISTRY\}\//);
      const image = service.image.replace(/^\$\{CIRCUS_REGISTRY\}\//, "");
      const target = /^circus\/stack-([a-z]+):latest$/.exec(image)?.[1];
      const built =
        listedImages.includes(image) ||
        (target !== undefined && stackTargets.includes(target)) ||
        (image === "circus/web:latest" && existsSync(join(DOCKER_DIR, "web", "Dockerfile")));
      expect(built, `${name}: ${image} is not built by docker/web, docker/stack or images.json`).toBe(true);
      // No IPVS needed (test nodes have none): DNS round robin instead of virtual IPs, ports in host mode.
      expect(service.deploy.endpoint_mode, `${name}: endpoint_mode`).toBe("dnsrr");
      for (const port of service.ports ?? []) expect(port.mode, `${name}: port ${port.published}`).toBe("host");
      for (const network of service.networks) expect(Object.keys(stack.networks)).toContain(network);
      for (const secret of service.secrets ?? []) {
        expect(Object.keys(stack.secrets)).toContain(typeof secret === "string" ? secret : secret.source);
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(":")[0] ?? "";
        if (!source.startsWith("/")) expect(Object.keys(stack.volumes)).toContain(source);
      }
      for (const config of service.configs ?? []) expect(Object.keys(stack.configs)).toContain(config.source);
    }
    for (const config of Object.values(stack.configs)) expect(existsSync(join(DOCKER_DIR, config.file))).toBe(true);
    expect(existsSync(join(DOCKER_DIR, "stack", "postgres-entrypoint"))).toBe(true);
  });

  it("shares one PostgreSQL between several web replicas, which HAProxy's servers point at", () => {
    const web = stack.services.web;
    expect(web?.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(web?.environment?.CIRCUS_WEB_REPLICAS).toBe("several");
    const database = new URL(web?.environment?.DATABASE_URL ?? "");
    expect(database.protocol).toBe("postgresql:");
    expect(Object.keys(stack.services)).toContain(database.hostname);
    const haproxy = readFileSync(join(DOCKER_DIR, "haproxy", "haproxy.cfg"), "utf8");
    const servers = [...haproxy.matchAll(/server-template web \d+ tasks\.([a-z]+):(\d+)/g)];
    expect(servers).toHaveLength(2);
    for (const [, service, port] of servers) {
      expect(service).toBe("web");
      expect(port).toBe(web?.environment?.PORT);
    }
  });

  it("gives the web replicas a configuration the web app accepts, reaching the engines over mutual TLS only", () => {
    const web = stack.services.web;
    // The deploying shell's variables, as the README's operator section sets them.
    const shell: Record<string, string> = {
      CIRCUS_SECRET: "s".repeat(43),
      CIRCUS_DB_PASSWORD: "password",
      CIRCUS_PUBLIC_ORIGIN: "https://circus.example.org",
      CIRCUS_MANAGER_ADDRESS: "10.1.2.3",
      CIRCUS_REGISTRY: "10.1.2.3:5000",
    };
    const environment = Object.fromEntries(
      Object.entries(web?.environment ?? {}).map(([name, value]) => [
        name,
        value.replace(
          /\$\{([A-Z_]+)(?::-([^}]*))?\}/g,
          (_, variable: string, fallback?: string) => shell[variable] ?? fallback ?? `missing-${variable}`,
        ),
      ]),
    );
    expect(Object.values(environment).join(" ")).not.toContain("missing-");
    expect(environment.CIRCUS_SWARM_TLS_DIR).toBe("/run/secrets");
    // Where the secrets would be in the replica's container: here, a folder with the same three files.
    const tlsDir = mkdtempSync(join(tmpdir(), "circus-stack-tls-"));
    for (const file of ["ca.pem", "cert.pem", "key.pem"]) writeFileSync(join(tlsDir, file), "test");
    const config = parseConfig({ ...environment, CIRCUS_SWARM_TLS_DIR: tlsDir, NODE_ENV: "production" });
    rmSync(tlsDir, { recursive: true, force: true });
    expect(config.orchestrator).toBe("swarm");
    expect(config.swarm?.manager).toBe("tcp://10.1.2.3:2376");
    expect(config.swarm?.registry).toBe("10.1.2.3:5000");
    // No engine socket is mounted: the non-root replicas read the TLS files their secrets put in the TLS folder.
    expect(web?.volumes ?? []).toEqual([]);
    const targets = (web?.secrets ?? []).map((secret) => (typeof secret === "string" ? secret : secret.target));
    expect(targets.sort()).toEqual(["ca.pem", "cert.pem", "key.pem"]);
  });

  it.skipIf(!existsSync(HAPROXY_BINARY))("has a HAProxy configuration that HAProxy accepts", () => {
    const check = spawnSync(HAPROXY_BINARY, ["-c", "-f", join(DOCKER_DIR, "haproxy", "haproxy.cfg")], {
      encoding: "utf8",
    });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });
});
