import { describe, expect, it } from "vitest";
import { parseDatabaseUrl, redactPassword } from "./database-url";
import { InvalidDatabaseUrlError } from "./errors";

describe("parseDatabaseUrl", () => {
  it("resolves a relative SQLite file against the working directory", () => {
    expect(parseDatabaseUrl("file:./data/circus.db", "/srv/circus")).toEqual({
      provider: "sqlite",
      file: "/srv/circus/data/circus.db",
    });
    expect(parseDatabaseUrl("file:/var/circus.db")).toEqual({ provider: "sqlite", file: "/var/circus.db" });
  });

  it("splits a PostgreSQL URL into separate, decoded fields", () => {
    expect(
      parseDatabaseUrl("postgresql://ci%40rcus:p%40ss:w@db.internal:6543/circus?schema=app&sslmode=require"),
    ).toEqual({
      provider: "postgresql",
      host: "db.internal",
      port: 6543,
      user: "ci@rcus",
      password: "p@ss:w",
      database: "circus",
      schema: "app",
      ssl: true,
    });
    expect(parseDatabaseUrl("postgres://u@127.0.0.1/d")).toMatchObject({ port: 5432, password: undefined, ssl: false });
  });

  it("rejects URLs it cannot use, without echoing the password", () => {
    expect(() => parseDatabaseUrl("mysql://root:secret@localhost/db")).toThrow(InvalidDatabaseUrlError);
    expect(() => parseDatabaseUrl("mysql://root:secret@localhost/db")).not.toThrow(/secret/);
    expect(() => parseDatabaseUrl("postgresql://u:secret@localhost/")).toThrow(/name one database/);
    expect(() => parseDatabaseUrl("file:")).toThrow(InvalidDatabaseUrlError);
    expect(() => parseDatabaseUrl("postgresql://u@h/d?schema=x;drop")).toThrow(/schema/);
  });

  it("redacts passwords", () => {
    expect(redactPassword("postgresql://circus:hunter2@h:1/d")).toBe("postgresql://circus:***@h:1/d");
  });
});
