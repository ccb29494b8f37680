// Two projects: fast unit tests beside the code, and integration tests against the real
// Docker engine and databases (`*.int.test.ts`), which `npm test` runs after setting those up.
import { defineConfig } from "vitest/config";

const roots = ["packages", "sandbox", "apps", "prisma", "scripts"];
const exclude = ["**/node_modules/**", "**/.next/**", "**/e2e/**", "prisma/generated/**"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: roots.map((root) => `${root}/**/*.test.ts`),
          exclude: [...exclude, "**/*.int.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: roots.map((root) => `${root}/**/*.int.test.ts`),
          exclude,
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
