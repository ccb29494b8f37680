// A runtime process for the crash-recovery test: creates one two-host environment scoped to the
// test id given as argument, prints it as one JSON line, then waits to be killed.
import Dockerode from "dockerode";
import { pino } from "pino";
import { createSandboxRuntime } from "../src/environments/sandbox-runtime";

const testId = process.argv[2];
if (!testId) throw new Error("usage: create-then-hang.ts <test id>");

const runtime = await createSandboxRuntime({
  docker: new Dockerode(),
  logger: pino({ level: "silent" }),
  labels: { "circus.test": testId },
});
const environment = await runtime.create({
  hosts: [
    { name: "node1", image: "circus/base:latest" },
    { name: "node2", image: "circus/base:latest" },
  ],
  ttlSeconds: 600,
  idleTimeoutSeconds: 600,
  owner: "crash-test",
});
process.stdout.write(`${JSON.stringify(environment)}\n`);
setInterval(() => {}, 60_000);
