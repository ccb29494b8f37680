// Writes contract-shapes.ts from the contract's zod schemas (`npm run contract-shapes -w @circus/web`).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderContractShapes } from "./render-contract-shapes";

const target = fileURLToPath(new URL("./contract-shapes.ts", import.meta.url));
writeFileSync(target, renderContractShapes());
process.stdout.write(`wrote ${target}\n`);
