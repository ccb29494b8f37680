// docker/stack.yml parses and references what exists: the images it runs are built by docker/web, by
// docker/stack's Dockerfile targets or listed in docker/images.json, its config files are in the repository, the web
// service runs several replicas on the stack's PostgreSQL, and HAProxy's servers are that service.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";

const DOCKER_DIR = fileURLToPath(new URL("../../../../../docker/", import.meta.url));
const HAPROXY_BINARY = "/usr/sbin/haproxy";

const serviceSchema = z.object({
  image: z.string(),
  environment: z.record(z.string(), z.string()).optional(),
  configs: z.array(z.object({ source: z.string(), target: z.string() })).optional(),
  secrets: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  networks: z.array(z.string()),
  deploy: z.object({ replicas: z.number().int().min(1) }).passthrough(),
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
      const target = /^circus\/stack-([a-z]+):latest$/.exec(service.image)?.[1];
      const built =
        listedImages.includes(service.image) ||
        (target !== undefined && stackTargets.includes(target)) ||
        (service.image === "circus/web:latest" && existsSync(join(DOCKER_DIR, "web", "Dockerfile")));
      expect(built, `${name}: ${service.image} is not built by docker/web, docker/stack or images.json`).toBe(true);
      for (const network of service.networks) expect(Object.keys(stack.networks)).toContain(network);
      for (const secret of service.secrets ?? []) expect(Object.keys(stack.secrets)).toContain(secret);
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

  it.skipIf(!existsSync(HAPROXY_BINARY))("has a HAProxy configuration that HAProxy accepts", () => {
    const check = spawnSync(HAPROXY_BINARY, ["-c", "-f", join(DOCKER_DIR, "haproxy", "haproxy.cfg")], {
      encoding: "utf8",
    });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });
});
