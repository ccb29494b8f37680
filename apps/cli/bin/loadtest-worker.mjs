// A load-test worker thread's entry: a worker does not inherit the main thread's tsx hooks, so it
// registers them itself before loading the TypeScript worker (apps/cli/src/loadtest/learner-groups.ts).
import { register } from "tsx/esm/api";

register();
await import("../src/loadtest/learner-worker.ts");
