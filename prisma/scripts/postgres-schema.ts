// Derives the PostgreSQL schema from the SQLite one (the source of truth): same models, another
// datasource and client output. Pure, so the drift test and sync-schemas.ts share it.

export const postgresSchemaHeader = [
  "// GENERATED from prisma/schema.prisma by `npx tsx prisma/scripts/sync-schemas.ts`: do not edit.",
  "// The PostgreSQL twin of the SQLite schema; its migrations live in prisma/postgresql/migrations.",
].join("\n");

interface Replacement {
  what: string;
  pattern: RegExp;
  replacement: string;
}

const replacements: Replacement[] = [
  {
    what: "the generator's output",
    pattern: /^(\s*output\s*=\s*)"\.\/generated\/sqlite"$/m,
    replacement: '$1"../generated/postgresql"',
  },
  { what: "the datasource provider", pattern: /^(\s*provider\s*=\s*)"sqlite"$/m, replacement: '$1"postgresql"' },
  {
    what: "the datasource url",
    pattern: /^(\s*url\s*=\s*)"file:[^"]*"$/m,
    replacement: '$1"postgresql://localhost:5432/circus"',
  },
];

/** The PostgreSQL schema for `sqliteSchema`; throws when the SQLite schema lost a line this relies on. */
export function postgresSchemaFrom(sqliteSchema: string): string {
  // The SQLite schema's opening comment describes that file; the twin gets its own header instead.
  let schema = sqliteSchema.replace(/^(\/\/[^\n]*\n)+\n?/, "");
  for (const { what, pattern, replacement } of replacements) {
    const matches = schema.match(new RegExp(pattern.source, `${pattern.flags}g`)) ?? [];
    if (matches.length !== 1) {
      throw new Error(`prisma/schema.prisma: expected exactly one line for ${what}, found ${matches.length}`);
    }
    schema = schema.replace(pattern, replacement);
  }
  return `${postgresSchemaHeader}\n\n${schema}`;
}
