// Where the workspace's schemas, configs and migrations live, as absolute paths.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const workspaceDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const sqliteSchemaFile = join(workspaceDir, "schema.prisma");
export const postgresSchemaFile = join(workspaceDir, "postgresql", "schema.prisma");
