import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_SCENARIOS_DIR, parseConfig as parseConfigIn, withListeningPort } from "./config";
import { capacityDefaults } from "./machine-capacity";

const scenariosDir = mkdtempSync(join(tmpdir(), "circus-web-config-"));
const stateDir = mkdtempSync(join(tmpdir(), "circus-web-state-"));
afterAll(() => {
  rmSync(scenariosDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

/** parseConfig with the generated secret and the default database in a temp folder, not the repository's. */
function parseConfig(env: Record<string, string | undefined>, argv: string[] = [], cwd?: string) {
  return parseConfigIn(env, argv, cwd, { stateDir, stdoutIsTty: false });
}

const SECRET = "s".repeat(32);

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("applies the defaults for production", () => {
    const config = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SECRET: SECRET });
    expect(config).toEqual({
      port: 3000,
      host: "0.0.0.0",
      scenariosDir,
      dev: false,
      nodeEnv: "production",
      logLevel: "info",
      logFormat: "json",
      databaseUrl: `file:${join(stateDir, "circus.db")}`,
      secret: SECRET,
      previousSecrets: [],
      secretGraceDays: 30,
      allowedOrigins: ["http://localhost:3000", "http://127.0.0.1:3000"],
      allowedOriginsExplicit: false,
      sandboxTtlSeconds: 3600,
      sandboxIdleSeconds: 1200,
      sandboxScope: "web",
      webReplicas: "one",
      warmPoolSize: 1,
      warmPoolMax: capacityDefaults({ cores: cpus().length, memoryMiB: totalmem() / 1024 ** 2 }).warmPoolMax,
      maxConcurrentCreates: capacityDefaults({ cores: cpus().length, memoryMiB: totalmem() / 1024 ** 2 })
        .maxConcurrentCreates,
      maxEnvironments: capacityDefaults({ cores: cpus().length, memoryMiB: totalmem() / 1024 ** 2 }).maxEnvironments,
      startsPerLearnerPerMinute: 5,
      startsPerIpPerMinute: 20,
      shutdownDrainMs: 2000,
      trustedProxies: [],
      memoryBudgetMiB: capacityDefaults({ cores: cpus().length, memoryMiB: totalmem() / 1024 ** 2 }).memoryBudgetMiB,
      cpuBudget: cpus().length * 125,
      environmentsPerLearner: 1,
      environmentsPerAddress: 4,
      signUpsPerIpPerMinute: 10,
      terminalSocketsPerRun: 32,
      terminalSocketsMax: 2000,
      eventStreamsPerHolder: 8,
      eventStreamsMax: 1000,
      previewRequestsPerEnvironment: 16,
      previewResponseTimeoutSeconds: 30,
      sandboxActionsPerRunPerMinute: 120,
      hostRebuildsPerRunPerHour: 30,
      recordingMaxBytes: 5 * 1024 * 1024,
      recordingRetentionDays: 30,
      checkpointsPerRun: 20,
      checkpointMaxMiBPerRun: 2048,
      savedLabRetentionDays: 14,
      savedLabStorageMiBPerLearner: 1024,
      orchestrator: "engine",
    });
  });

  it("reads the Swarm orchestrator's manager, TLS folder and registry, naming what is missing", () => {
    const base = { CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SECRET: SECRET, CIRCUS_ORCHESTRATOR: "swarm" };
    expect(configError(() => parseConfig(base)).variable).toBe("CIRCUS_SWARM_TLS_DIR");
    const tlsDir = mkdtempSync(join(tmpdir(), "circus-web-tls-"));
    try {
      writeFileSync(join(tlsDir, "ca.pem"), "x");
      const lacking = configError(() => parseConfig({ ...base, CIRCUS_SWARM_TLS_DIR: tlsDir }));
      expect(lacking.message).toMatch(/lacks cert\.pem, key\.pem/);
      writeFileSync(join(tlsDir, "cert.pem"), "x");
      writeFileSync(join(tlsDir, "key.pem"), "x");
      expect(configError(() => parseConfig({ ...base, CIRCUS_SWARM_TLS_DIR: tlsDir })).variable).toBe(
        "CIRCUS_REGISTRY",
      );
      expect(
        configError(() => parseConfig({ ...base, CIRCUS_SWARM_TLS_DIR: tlsDir, CIRCUS_REGISTRY: "http://r:5000" }))
          .message,
      ).toMatch(/CIRCUS_REGISTRY.*HOST:PORT/);
      expect(
        configError(() => parseConfig({ ...base, CIRCUS_SWARM_MANAGER: "tcp://manager", CIRCUS_SWARM_TLS_DIR: tlsDir }))
          .variable,
      ).toBe("CIRCUS_SWARM_MANAGER");
      const config = parseConfig({
        ...base,
        CIRCUS_SWARM_MANAGER: "tcp://10.0.0.2:2376",
        CIRCUS_SWARM_TLS_DIR: tlsDir,
        CIRCUS_REGISTRY: "10.0.0.5:5000",
      });
      expect(config.orchestrator).toBe("swarm");
      expect(config.swarm).toEqual({
        manager: "tcp://10.0.0.2:2376",
        tlsDir,
        registry: "10.0.0.5:5000",
        probeImage: "circus/base:latest",
        nodeWatchIntervalMs: 5000,
      });
      expect(configError(() => parseConfig({ ...base, CIRCUS_ORCHESTRATOR: "kubernetes" })).variable).toBe(
        "CIRCUS_ORCHESTRATOR",
      );
    } finally {
      rmSync(tlsDir, { recursive: true, force: true });
    }
  });

  it("reads trusted proxies and the capacity budget, and names a bad CIDR", () => {
    const config = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_SECRET: SECRET,
      CIRCUS_TRUSTED_PROXIES: "127.0.0.1/32, 10.0.0.0/8,::1",
      CIRCUS_MEMORY_BUDGET_MIB: "4096",
      CIRCUS_CPU_BUDGET: "6",
    });
    expect(config).toMatchObject({
      trustedProxies: ["127.0.0.1/32", "10.0.0.0/8", "::1"],
      memoryBudgetMiB: 4096,
      cpuBudget: 6,
    });
    expect(() =>
      parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SECRET: SECRET, CIRCUS_TRUSTED_PROXIES: "10.0.0.0/33" }),
    ).toThrow(/CIRCUS_TRUSTED_PROXIES/);
  });

  it("reads the previous secrets, the setup token and the metrics token, refusing short ones", () => {
    const config = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_SECRET: SECRET,
      CIRCUS_PREVIOUS_SECRETS: ` ${"p".repeat(32)} , ${"q".repeat(40)}`,
      CIRCUS_SECRET_GRACE_DAYS: "7",
      CIRCUS_SETUP_TOKEN: "s".repeat(32),
      CIRCUS_METRICS_TOKEN: "m".repeat(32),
    });
    expect(config).toMatchObject({
      previousSecrets: ["p".repeat(32), "q".repeat(40)],
      secretGraceDays: 7,
      setupToken: "s".repeat(32),
      metricsToken: "m".repeat(32),
    });
    for (const [variable, value] of [
      ["CIRCUS_PREVIOUS_SECRETS", "short"],
      ["CIRCUS_SETUP_TOKEN", "short"],
      ["CIRCUS_METRICS_TOKEN", "short"],
      ["CIRCUS_SECRET_GRACE_DAYS", "0"],
    ] as const) {
      expect(() =>
        parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SECRET: SECRET, [variable]: value }),
      ).toThrow(variable);
    }
  });

  it("generates the secret once into the state folder, readable by the owner only", () => {
    const first = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir }).secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir }).secret).toBe(first);
    expect(readFileSync(join(stateDir, "secret"), "utf8").trim()).toBe(first);
    expect(statSync(join(stateDir, "secret")).mode & 0o777).toBe(0o600);
  });

  it("reads the database, the sandbox lifetimes, the pools and the limits", () => {
    const config = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_SECRET: SECRET,
      DATABASE_URL: "postgresql://circus:pw@db:5432/circus",
      CIRCUS_SANDBOX_TTL_SECONDS: "1800",
      CIRCUS_SANDBOX_IDLE_SECONDS: "300",
      CIRCUS_WARM_POOL_SIZE: "0",
      CIRCUS_MAX_ENVIRONMENTS: "5",
      CIRCUS_STARTS_PER_LEARNER_PER_MINUTE: "2",
      CIRCUS_STARTS_PER_IP_PER_MINUTE: "9",
    });
    expect(config).toMatchObject({
      databaseUrl: "postgresql://circus:pw@db:5432/circus",
      sandboxTtlSeconds: 1800,
      sandboxIdleSeconds: 300,
      warmPoolSize: 0,
      maxEnvironments: 5,
      startsPerLearnerPerMinute: 2,
      startsPerIpPerMinute: 9,
    });
  });

  it("allows the listening port's local origins, plus HOST's when it names one address", () => {
    const config = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_SECRET: SECRET,
      HOST: "10.0.0.5",
      PORT: "0",
    });
    expect(withListeningPort(config, 41234).allowedOrigins).toEqual([
      "http://localhost:41234",
      "http://127.0.0.1:41234",
      "http://10.0.0.5:41234",
    ]);
  });

  it("takes CIRCUS_ALLOWED_ORIGINS as given, whatever the port", () => {
    const config = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_SECRET: SECRET,
      CIRCUS_ALLOWED_ORIGINS: "https://circus.example.org, https://lab.example.org:8443/",
    });
    expect(config.allowedOrigins).toEqual(["https://circus.example.org", "https://lab.example.org:8443"]);
    expect(withListeningPort(config, 5000).allowedOrigins).toEqual(config.allowedOrigins);
  });

  it("refuses a short secret, a bad database URL and origins that are not http(s) URLs", () => {
    const base = { CIRCUS_SCENARIOS_DIR: scenariosDir };
    expect(configError(() => parseConfig({ ...base, CIRCUS_SECRET: "short" })).variable).toBe("CIRCUS_SECRET");
    expect(configError(() => parseConfig({ ...base, DATABASE_URL: "mysql://x" })).variable).toBe("DATABASE_URL");
    expect(
      configError(() => parseConfig({ ...base, CIRCUS_SECRET: SECRET, CIRCUS_ALLOWED_ORIGINS: "ftp://x" })).variable,
    ).toBe("CIRCUS_ALLOWED_ORIGINS");
    expect(
      configError(() => parseConfig({ ...base, CIRCUS_SECRET: SECRET, CIRCUS_WARM_POOL_SIZE: "-1" })).variable,
    ).toBe("CIRCUS_WARM_POOL_SIZE");
  });

  it("defaults the scenarios folder to the repository's scenarios/", () => {
    expect(DEFAULT_SCENARIOS_DIR.endsWith(join("/", "scenarios"))).toBe(true);
    expect(parseConfig({ CIRCUS_SCENARIOS_DIR: "" }, [], scenariosDir).scenariosDir).toBe(DEFAULT_SCENARIOS_DIR);
  });

  it("switches to development with --dev", () => {
    const config = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir }, ["--dev"]);
    expect(config.dev).toBe(true);
    expect(config.nodeEnv).toBe("development");
    expect(config.logLevel).toBe("debug");
    expect(config.shutdownDrainMs).toBe(0);
  });

  it("reads the shutdown drain and refuses one that would not fit in the 10 s shutdown", () => {
    const config = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SHUTDOWN_DRAIN_SECONDS: "0.5" });
    expect(config.shutdownDrainMs).toBe(500);
    const error = configError(() =>
      parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SHUTDOWN_DRAIN_SECONDS: "30" }),
    );
    expect(error.variable).toBe("CIRCUS_SHUTDOWN_DRAIN_SECONDS");
    expect(error.remedy).toContain("0 to 8");
  });

  it("reads PORT, HOST, NODE_ENV and LOG_LEVEL", () => {
    const config = parseConfig({
      PORT: "3100",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      CIRCUS_SCENARIOS_DIR: scenariosDir,
    });
    expect(config).toMatchObject({ port: 3100, host: "127.0.0.1", nodeEnv: "test", logLevel: "warn" });
  });

  it("resolves a relative CIRCUS_SCENARIOS_DIR against the working directory", () => {
    expect(parseConfig({ CIRCUS_SCENARIOS_DIR: "." }, [], scenariosDir).scenariosDir).toBe(scenariosDir);
  });

  it("names the variable when a value is invalid", () => {
    const error = configError(() => parseConfig({ PORT: "eighty", CIRCUS_SCENARIOS_DIR: scenariosDir }));
    expect(error.variable).toBe("PORT");
    expect(error.message).toContain("PORT");
    expect(error.remedy).toContain("port number");
    expect(configError(() => parseConfig({ PORT: "70000", CIRCUS_SCENARIOS_DIR: scenariosDir })).variable).toBe("PORT");
    expect(configError(() => parseConfig({ LOG_LEVEL: "loud", CIRCUS_SCENARIOS_DIR: scenariosDir })).variable).toBe(
      "LOG_LEVEL",
    );
    expect(configError(() => parseConfig({ NODE_ENV: "staging", CIRCUS_SCENARIOS_DIR: scenariosDir })).variable).toBe(
      "NODE_ENV",
    );
  });

  it("reads the recording cap and retention, and refuses a retention of zero days", () => {
    const config = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_RECORDING_MAX_BYTES: "0",
      CIRCUS_RECORDING_RETENTION_DAYS: "7",
    });
    expect(config).toMatchObject({ recordingMaxBytes: 0, recordingRetentionDays: 7 });
    const error = configError(() =>
      parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_RECORDING_RETENTION_DAYS: "0" }),
    );
    expect(error.variable).toBe("CIRCUS_RECORDING_RETENTION_DAYS");
    expect(error.remedy).toContain("whole days");
  });

  it("takes several web replicas only on PostgreSQL, saying which variable to change", () => {
    const postgres = "postgresql://circus:circus@127.0.0.1:5432/circus";
    expect(
      parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_WEB_REPLICAS: "several", DATABASE_URL: postgres })
        .webReplicas,
    ).toBe("several");
    const error = configError(() =>
      parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_WEB_REPLICAS: "several", DATABASE_URL: "file:x.db" }),
    );
    expect(error.variable).toBe("CIRCUS_WEB_REPLICAS");
    expect(error.remedy).toContain("PostgreSQL");
    expect(
      configError(() => parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_WEB_REPLICAS: "2" })).variable,
    ).toBe("CIRCUS_WEB_REPLICAS");
  });

  it("derives the warm pool's growth and the socket caps from CIRCUS_MAX_ENVIRONMENTS, and reads the creates", () => {
    const derived = parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_MAX_ENVIRONMENTS: "400" });
    expect(derived).toMatchObject({ warmPoolMax: 20, terminalSocketsMax: 3200, eventStreamsMax: 1600 });
    const set = parseConfig({
      CIRCUS_SCENARIOS_DIR: scenariosDir,
      CIRCUS_WARM_POOL_SIZE: "3",
      CIRCUS_WARM_POOL_MAX: "2",
      CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES: "6",
    });
    // A maximum below the size is the size: the pool never keeps fewer than CIRCUS_WARM_POOL_SIZE ready.
    expect(set).toMatchObject({ warmPoolSize: 3, warmPoolMax: 3, maxConcurrentCreates: 6 });
    expect(parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_WARM_POOL_SIZE: "0" }).warmPoolMax).toBe(0);
    const error = configError(() =>
      parseConfig({ CIRCUS_SCENARIOS_DIR: scenariosDir, CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES: "0" }),
    );
    expect(error.variable).toBe("CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES");
    expect(error.remedy).toContain("2 per CPU core");
  });

  it("fails when CIRCUS_SCENARIOS_DIR is not a folder", () => {
    const error = configError(() => parseConfig({ CIRCUS_SCENARIOS_DIR: join(scenariosDir, "missing") }));
    expect(error.variable).toBe("CIRCUS_SCENARIOS_DIR");
    expect(error.message).toContain("not a folder");
  });
});
