// The same suite against a real SQLite file and a real PostgreSQL 15 (CIRCUS_TEST_POSTGRES_URL, set
// by `npm test` after scripts/ensure-postgres.ts): migrations, every repository, constraints, dates.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ActiveRunExistsError,
  type Database,
  DatabaseUnreachableError,
  InstructorEmailTakenError,
  InvalidRecordError,
  InvitationInvalidError,
  JoinCodeTakenError,
  LearnerNotFoundError,
  migrateDatabase,
  newRandomId,
  openDatabase,
  RunNotFoundError,
  SetupClaimedError,
  WorkshopFullError,
} from "./index";

interface Target {
  url: string;
  cleanup(): Promise<void>;
}

const in1Hour = () => new Date(Date.now() + 3_600_000);

function defineDatabaseSuite(name: string, provider: Database["provider"], createTarget: () => Promise<Target>) {
  describe(name, () => {
    let target: Target | undefined;
    let db: Database;
    /** The instructor who won the first-admin race (set by that test, used by later ones). */
    let firstAdminId = "";

    beforeAll(async () => {
      target = await createTarget();
      const first = await migrateDatabase({ url: target.url });
      console.log(`[${provider}] first migrate: ${first.durationMs} ms, applied ${first.applied.join(", ")}`);
      expect(first.applied).toEqual([
        "0001_init",
        "0002_workshops",
        "0003_first_admin_claim",
        "0004_recordings",
        "0005_saved_labs",
        "0007_replica_coordination",
      ]);
      db = await openDatabase({ url: target.url });
    });

    afterAll(async () => {
      await db?.dispose();
      await target?.cleanup();
    });

    it("migrates idempotently: a second run applies nothing and keeps the data", async () => {
      const learner = await db.ensureLearner();
      const again = await migrateDatabase({ url: target!.url });
      console.log(`[${provider}] second migrate (nothing to apply): ${again.durationMs} ms`);
      expect(again).toMatchObject({ provider, applied: [] });
      expect(await db.getLearner(learner.id)).toEqual(learner);
    });

    it.runIf(provider === "sqlite")(
      "opens SQLite with a write-ahead log and NORMAL sync, so commits do not fsync on the event loop",
      async () => {
        expect(await db.client.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
        const [sync] = (await db.client.$queryRawUnsafe("PRAGMA synchronous")) as { synchronous: bigint | number }[];
        expect(Number(sync?.synchronous)).toBe(1);
      },
    );

    it("opens the right provider", () => {
      expect(db.provider).toBe(provider);
    });

    it("creates a learner with a random id and records later visits", async () => {
      const created = await db.ensureLearner({ at: new Date("2030-01-01T00:00:00.001Z") });
      expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(created).toMatchObject({ displayName: null, createdAt: new Date("2030-01-01T00:00:00.001Z") });
      const visit = new Date("2030-01-02T00:00:00.002Z");
      const named = await db.ensureLearner({ id: created.id, displayName: "Ada", at: visit });
      expect(named).toEqual({ ...created, displayName: "Ada", lastSeenAt: visit });
      const later = await db.ensureLearner({ id: created.id, at: new Date("2030-01-03T00:00:00.003Z") });
      expect(later.displayName).toBe("Ada");
      expect(await db.getLearner(created.id)).toEqual(later);
      expect(await db.getLearner(newRandomId())).toBeNull();
      expect(await db.getLearner("not an id")).toBeNull();
      await expect(db.ensureLearner({ id: "short" })).rejects.toThrow(InvalidRecordError);
    });

    it("round-trips a run through create, get, find and update, dates to the millisecond", async () => {
      const learner = await db.ensureLearner();
      const expiresAt = new Date("2031-02-03T04:05:06.789Z");
      const startedAt = new Date("2031-02-03T03:05:06.123Z");
      const run = await db.createRun({ learnerId: learner.id, scenarioId: "basics", expiresAt, at: startedAt });
      expect(run).toMatchObject({
        learnerId: learner.id,
        scenarioId: "basics",
        status: "starting",
        stage: "queued",
        error: null,
        environmentId: null,
        currentStep: 0,
        startedAt,
        readyAt: null,
        finishedAt: null,
        expiresAt,
      });
      expect(await db.getRun(run.id)).toEqual(run);
      expect(await db.findActiveRun(learner.id, "basics")).toEqual(run);

      const readyAt = new Date("2031-02-03T03:06:00.456Z");
      const ready = await db.updateRun(run.id, {
        status: "ready",
        stage: "ready",
        environmentId: `env-${run.id}`,
        readyAt,
        currentStep: 2,
      });
      expect(ready).toMatchObject({ status: "ready", stage: "ready", environmentId: `env-${run.id}`, readyAt });
      expect(ready.currentStep).toBe(2);
      expect(ready.updatedAt.getTime()).toBeGreaterThanOrEqual(run.updatedAt.getTime());
      expect(await db.getRun(run.id)).toEqual(ready);

      const failed = await db.updateRun(run.id, { status: "failed", error: "image missing", stage: null });
      expect(failed).toMatchObject({ status: "failed", error: "image missing", stage: null, readyAt });
      expect(await db.findActiveRun(learner.id, "basics")).toBeNull();
      await expect(db.updateRun(newRandomId(), { status: "stopped" })).rejects.toThrow(RunNotFoundError);
      await expect(db.updateRun(run.id, { currentStep: -1 })).rejects.toThrow(InvalidRecordError);
    });

    it("allows one active run per learner and scenario, and frees the slot when it ends", async () => {
      const learner = await db.ensureLearner();
      const first = await db.createRun({ learnerId: learner.id, scenarioId: "k8s", expiresAt: in1Hour() });
      await expect(db.createRun({ learnerId: learner.id, scenarioId: "k8s", expiresAt: in1Hour() })).rejects.toThrow(
        ActiveRunExistsError,
      );
      const other = await db.createRun({ learnerId: learner.id, scenarioId: "docker", expiresAt: in1Hour() });
      const someoneElse = await db.ensureLearner();
      await db.createRun({ learnerId: someoneElse.id, scenarioId: "k8s", expiresAt: in1Hour() });

      await db.updateRun(first.id, { status: "ready" });
      await expect(db.createRun({ learnerId: learner.id, scenarioId: "k8s", expiresAt: in1Hour() })).rejects.toThrow(
        ActiveRunExistsError,
      );
      await db.updateRun(first.id, { status: "stopped", finishedAt: new Date() });
      const second = await db.createRun({ learnerId: learner.id, scenarioId: "k8s", expiresAt: in1Hour() });
      expect((await db.findActiveRun(learner.id, "k8s"))?.id).toBe(second.id);
      await db.updateRun(second.id, { status: "finished" });
      const third = await db.createRun({ learnerId: learner.id, scenarioId: "k8s", expiresAt: in1Hour() });
      // Two ended runs of the same scenario coexist; reviving one while another is active does not.
      await expect(db.updateRun(first.id, { status: "starting" })).rejects.toThrow(ActiveRunExistsError);
      expect((await db.findActiveRun(learner.id, "k8s"))?.id).toBe(third.id);
      expect((await db.findActiveRun(learner.id, "docker"))?.id).toBe(other.id);
    });

    it("counts the live runs started from an address, and forgets runs that ended", async () => {
      const address = `192.0.2.${provider === "sqlite" ? 1 : 2}`;
      const learners = [await db.ensureLearner(), await db.ensureLearner(), await db.ensureLearner()];
      const runs = await Promise.all(
        learners.map((learner) => db.createRun({ learnerId: learner.id, scenarioId: "addr", expiresAt: in1Hour() })),
      );
      const [first, second, third] = runs.map((run) => run.id) as [string, string, string];
      await db.recordRunAddress(first, address);
      await db.recordRunAddress(second, address);
      await db.recordRunAddress(third, "198.51.100.1");
      // The first address recorded for a run stays.
      await db.recordRunAddress(first, "198.51.100.1");
      expect(await db.countLiveRunsFromAddress(address)).toBe(2);
      await db.updateRun(second, { status: "ready" });
      expect(await db.countLiveRunsFromAddress(address)).toBe(2);
      await db.updateRun(second, { status: "stopped", finishedAt: new Date() });
      expect(await db.countLiveRunsFromAddress(address)).toBe(1);
      await db.updateRun(first, { status: "saved" });
      expect(await db.countLiveRunsFromAddress(address)).toBe(0);
      expect(await db.countLiveRunsFromAddress("198.51.100.1")).toBe(1);
      expect(await db.countLiveRunsFromAddress("203.0.113.200")).toBe(0);
    });

    it("lets exactly one of two concurrent starts win", async () => {
      const learner = await db.ensureLearner();
      const attempts = await Promise.allSettled(
        [1, 2, 3].map(() => db.createRun({ learnerId: learner.id, scenarioId: "race", expiresAt: in1Hour() })),
      );
      expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
      for (const attempt of attempts.filter((a) => a.status === "rejected")) {
        expect(attempt.reason).toBeInstanceOf(ActiveRunExistsError);
      }
    });

    it("keeps environment ids unique and refuses runs of unknown learners", async () => {
      const learner = await db.ensureLearner();
      const a = await db.createRun({ learnerId: learner.id, scenarioId: "a", expiresAt: in1Hour() });
      const b = await db.createRun({ learnerId: learner.id, scenarioId: "b", expiresAt: in1Hour() });
      await db.updateRun(a.id, { environmentId: `shared-${a.id}` });
      await expect(db.updateRun(b.id, { environmentId: `shared-${a.id}` })).rejects.toThrow(InvalidRecordError);
      await expect(db.createRun({ learnerId: newRandomId(), scenarioId: "a", expiresAt: in1Hour() })).rejects.toThrow(
        LearnerNotFoundError,
      );
    });

    it("lists runs by status, soonest expiry first", async () => {
      const learner = await db.ensureLearner();
      const scenario = `list-${newRandomId()}`;
      const late = await db.createRun({
        learnerId: learner.id,
        scenarioId: `${scenario}-1`,
        expiresAt: new Date(1e12 + 2),
      });
      const early = await db.createRun({
        learnerId: learner.id,
        scenarioId: `${scenario}-2`,
        expiresAt: new Date(1e12 + 1),
      });
      const future = await db.createRun({ learnerId: learner.id, scenarioId: `${scenario}-3`, expiresAt: in1Hour() });
      await db.updateRun(future.id, { status: "ready" });
      const expired = await db.listRunsByStatus({ statuses: ["starting", "ready"], expiresBefore: new Date(1e12 + 3) });
      expect(expired.map((run) => run.id)).toEqual([early.id, late.id]);
      const ready = await db.listRunsByStatus({ statuses: ["ready"] });
      expect(ready.map((run) => run.id)).toContain(future.id);
      expect(ready.every((run) => run.status === "ready")).toBe(true);
    });

    it("records step progress and check attempts", async () => {
      const learner = await db.ensureLearner();
      const run = await db.createRun({ learnerId: learner.id, scenarioId: "steps", expiresAt: in1Hour() });
      const shownAt = new Date("2032-01-01T10:00:00.100Z");
      const shown = await db.markStepShown(run.id, 0, shownAt);
      expect(shown).toEqual({
        runId: run.id,
        stepIndex: 0,
        completedAt: null,
        checkAttempts: 0,
        firstShownAt: shownAt,
      });
      expect(await db.markStepShown(run.id, 0, new Date("2032-01-01T11:00:00Z"))).toEqual(shown);

      const longOutput = `${"line\n".repeat(2_000)}still failing`;
      const failed = await db.recordCheckAttempt({
        runId: run.id,
        stepIndex: 0,
        kind: "verify",
        passed: false,
        hint: "still failing",
        output: longOutput,
        durationMs: 120,
        at: new Date("2032-01-01T10:01:00.200Z"),
      });
      expect(failed).toMatchObject({ kind: "verify", passed: false, hint: "still failing", durationMs: 120 });
      expect(Buffer.byteLength(failed.output ?? "")).toBeLessThanOrEqual(4_096);
      expect(failed.output?.endsWith("still failing")).toBe(true);
      await db.recordCheckAttempt({ runId: run.id, stepIndex: 0, kind: "quiz", passed: true, durationMs: 0 });
      // An attempt on a step never shown creates its progress row too.
      await db.recordCheckAttempt({ runId: run.id, stepIndex: 1, kind: "verify", passed: true, durationMs: 5 });

      const completedAt = new Date("2032-01-01T10:02:00.300Z");
      expect((await db.completeStep(run.id, 0, completedAt)).completedAt).toEqual(completedAt);
      expect((await db.completeStep(run.id, 0, new Date("2032-01-01T12:00:00Z"))).completedAt).toEqual(completedAt);

      // completeOpenStep says whether this call completed the step: an open one, one without progress yet.
      const openCompletedAt = new Date("2032-01-01T10:03:00.400Z");
      expect(await db.completeOpenStep(run.id, 1, openCompletedAt)).toBe(true);
      expect(await db.completeOpenStep(run.id, 1, new Date("2032-01-01T12:00:00Z"))).toBe(false);
      expect(await db.completeOpenStep(run.id, 0)).toBe(false);
      expect(await db.completeOpenStep(run.id, 2, openCompletedAt)).toBe(true);

      const progress = await db.listStepProgress(run.id);
      expect(progress.map((p) => [p.stepIndex, p.checkAttempts, p.completedAt])).toEqual([
        [0, 2, completedAt],
        [1, 1, openCompletedAt],
        [2, 0, openCompletedAt],
      ]);
      const attempts = await db.listCheckAttempts(run.id, 0);
      expect(attempts.map((a) => [a.kind, a.passed])).toEqual([
        ["verify", false],
        ["quiz", true],
      ]);
      expect(attempts[0]).toEqual(failed);
      await expect(
        db.recordCheckAttempt({ runId: newRandomId(), stepIndex: 0, kind: "quiz", passed: true, durationMs: 1 }),
      ).rejects.toThrow(RunNotFoundError);
      await expect(db.markStepShown(newRandomId(), 0)).rejects.toThrow(RunNotFoundError);
    });

    it("appends events and reads them back with their JSON data", async () => {
      const runId = newRandomId();
      const at = new Date("2033-03-03T03:03:03.333Z");
      const event = await db.recordEvent({ type: "run.started", runId, data: { scenario: "basics", hosts: 2 }, at });
      expect(event).toMatchObject({ type: "run.started", runId, learnerId: null, createdAt: at });
      expect(event.data).toEqual({ scenario: "basics", hosts: 2 });
      await db.recordEvent({ type: "check.failed", runId, data: { step: 0 } });
      await db.recordEvent({ type: "run.started", runId: newRandomId() });
      const events = await db.listEvents({ runId });
      expect(events.map((e) => e.type)).toEqual(["run.started", "check.failed"]);
      expect(events[0]).toEqual(event);
      expect(await db.listEvents({ runId, type: "check.failed" })).toHaveLength(1);
      await expect(db.recordEvent({ type: "Not A Type" })).rejects.toThrow(InvalidRecordError);
      await expect(db.recordEvent({ type: "big.event", data: "x".repeat(20_000) })).rejects.toThrow(InvalidRecordError);
    });

    it("makes exactly one of many racing first-admin sign-ups the admin, and lets later ones in only with an unused invitation", async () => {
      const hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
      await expect(
        db.createInstructor({ email: "nobody@example.org", displayName: "No", passwordHash: hash }),
      ).rejects.toThrow(InvitationInvalidError);
      // One client runs its transactions one after another, so on PostgreSQL the race goes through four
      // clients, as four server processes would (without the unique claim, it then made four admins here).
      // SQLite has one writer per file anyway (and one process in production): one client.
      const extra = provider === "postgresql" ? 3 : 0;
      const handles = [
        db,
        ...(await Promise.all(Array.from({ length: extra }, () => openDatabase({ url: target!.url })))),
      ];
      const racers = ["Ada@Example.org", ...Array.from({ length: 39 }, (_, i) => `racer${i}@example.org`)];
      const outcomes = await Promise.allSettled(
        racers.map((email, i) =>
          handles[i % handles.length]!.createInstructor({
            email,
            displayName: "Racer",
            passwordHash: hash,
            firstAdmin: true,
          }),
        ),
      );
      await Promise.all(handles.slice(1).map((handle) => handle.dispose()));
      const winners = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
      expect(winners).toHaveLength(1);
      for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(SetupClaimedError);
      expect(winners[0]).toMatchObject({ isAdmin: true });
      expect(winners[0]).not.toHaveProperty("passwordHash");
      await expect(
        db.createInstructor({ email: "late@example.org", displayName: "Late", passwordHash: hash, firstAdmin: true }),
      ).rejects.toThrow(SetupClaimedError);
      const admin = winners[0]!;
      firstAdminId = admin.id;
      await expect(
        db.createInstructor({ email: "bob@example.org", displayName: "Bob", passwordHash: hash }),
      ).rejects.toThrow(InvitationInvalidError);
      const tokenHash = "i".repeat(43);
      await db.createInvitation({ tokenHash, createdById: admin.id, expiresAt: in1Hour() });
      const bob = await db.createInstructor({
        email: "bob@example.org",
        displayName: "Bob",
        passwordHash: hash,
        invitationTokenHash: tokenHash,
      });
      expect(bob.isAdmin).toBe(false);
      await expect(
        db.createInstructor({
          email: "eve@example.org",
          displayName: "Eve",
          passwordHash: hash,
          invitationTokenHash: tokenHash,
        }),
      ).rejects.toThrow(InvitationInvalidError);
      const other = "j".repeat(43);
      await db.createInvitation({ tokenHash: other, createdById: admin.id, expiresAt: in1Hour() });
      await expect(
        db.createInstructor({
          email: admin.email.toUpperCase(),
          displayName: "Ada 2",
          passwordHash: hash,
          invitationTokenHash: other,
        }),
      ).rejects.toThrow(InstructorEmailTakenError);
      expect(await db.findInstructorCredentials(admin.email.toUpperCase())).toEqual({
        instructor: admin,
        passwordHash: hash,
      });

      const sessionHash = "s".repeat(43);
      await db.createInstructorSession({ tokenHash: sessionHash, instructorId: bob.id, expiresAt: in1Hour() });
      expect((await db.findInstructorSession(sessionHash))?.instructor).toEqual(bob);
      expect(await db.findInstructorSession(sessionHash, new Date(Date.now() + 7_200_000))).toBeNull();
      await db.deleteInstructorSession(sessionHash);
      expect(await db.findInstructorSession(sessionHash)).toBeNull();
    });

    it("stores workshops, refuses joins beyond capacity, and lists a workshop's runs", async () => {
      const owner = await db.createInstructor({
        email: `owner-${newRandomId()}@example.org`,
        displayName: "Owner",
        passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        invitationTokenHash: await (async () => {
          const tokenHash = newRandomId().padEnd(40, "x");
          await db.createInvitation({ tokenHash, createdById: firstAdminId, expiresAt: in1Hour() });
          return tokenHash;
        })(),
      });
      const startsAt = new Date("2032-01-01T10:00:00.123Z");
      const workshop = await db.createWorkshop({
        ownerId: owner.id,
        title: "K8s day",
        scenarioIds: ["a", "b"],
        startsAt,
        endsAt: new Date("2032-01-01T12:00:00.000Z"),
        capacity: 2,
        ttlSeconds: 3600,
        reserveMinutes: 15,
        joinCode: "ABCDEFGHJK",
      });
      expect(workshop).toMatchObject({ scenarioIds: ["a", "b"], startsAt, endedAt: null });
      await expect(db.createWorkshop({ ...workshop, joinCode: "ABCDEFGHJK" })).rejects.toThrow(JoinCodeTakenError);
      expect(await db.findWorkshopByJoinCode("ABCDEFGHJK")).toEqual(workshop);
      const [l1, l2, l3] = [await db.ensureLearner(), await db.ensureLearner(), await db.ensureLearner()];
      const first = await db.joinWorkshop({
        workshopId: workshop.id,
        learnerId: l1!.id,
        displayName: "One",
        capacity: 2,
      });
      await db.joinWorkshop({ workshopId: workshop.id, learnerId: l2!.id, displayName: "Two", capacity: 2 });
      await expect(
        db.joinWorkshop({ workshopId: workshop.id, learnerId: l3!.id, displayName: "Three", capacity: 2 }),
      ).rejects.toThrow(WorkshopFullError);
      const again = await db.joinWorkshop({
        workshopId: workshop.id,
        learnerId: l1!.id,
        displayName: "Uno",
        capacity: 2,
      });
      expect(again).toMatchObject({ rejoined: true, participant: { id: first.participant.id, displayName: "Uno" } });
      expect((await db.listParticipants(workshop.id)).map((p) => p.displayName)).toEqual(["Uno", "Two"]);
      const run = await db.createRun({
        learnerId: l1!.id,
        scenarioId: "a",
        expiresAt: in1Hour(),
        workshopId: workshop.id,
      });
      expect(run.workshopId).toBe(workshop.id);
      expect((await db.listWorkshopRuns(workshop.id)).map((r) => r.id)).toEqual([run.id]);
      const ended = await db.endWorkshop(workshop.id);
      expect(ended.ended).toBe(true);
      expect(ended.workshop.endedAt).toBeInstanceOf(Date);
      expect((await db.endWorkshop(workshop.id)).ended).toBe(false);
    });

    it("stores recordings as ordered gzip chunks, sums a run's bytes, and reaps expired ones", async () => {
      const learner = await db.ensureLearner();
      const run = await db.createRun({ learnerId: learner.id, scenarioId: "recorded", expiresAt: in1Hour() });
      const kept = await db.createRecording({
        runId: run.id,
        terminalId: "1",
        cols: 80,
        rows: 24,
        expiresAt: in1Hour(),
      });
      const old = await db.createRecording({
        runId: run.id,
        terminalId: "2",
        cols: 100,
        rows: 30,
        expiresAt: new Date(Date.now() - 1_000),
      });
      const bytes = Uint8Array.from([0, 1, 2, 255, 254]);
      await db.appendRecordingChunk({ recordingId: kept.id, seq: 0, data: bytes, castBytes: 50 });
      await db.appendRecordingChunk({ recordingId: kept.id, seq: 1, data: Uint8Array.from([7]), castBytes: 9 });
      await db.appendRecordingChunk({ recordingId: old.id, seq: 0, data: Uint8Array.from([9, 9]), castBytes: 4 });
      await expect(
        db.appendRecordingChunk({ recordingId: kept.id, seq: 1, data: Uint8Array.from([1]), castBytes: 1 }),
      ).rejects.toThrow();
      await db.finishRecording(kept.id, { truncated: true });

      expect(await db.runRecordingBytes(run.id)).toBe(8);
      const chunks = await db.readRecordingChunks(kept.id);
      expect(chunks.map((chunk) => chunk.seq)).toEqual([0, 1]);
      expect([...chunks[0]!.data]).toEqual([0, 1, 2, 255, 254]);
      expect((await db.readRecordingChunks(kept.id, { afterSeq: 0 })).map((chunk) => chunk.seq)).toEqual([1]);
      expect(await db.getRecording(kept.id)).toMatchObject({ storedBytes: 6, castBytes: 59, truncated: true });
      expect((await db.getRecording(kept.id))?.endedAt).toBeInstanceOf(Date);
      await expect(
        db.createRecording({ runId: newRandomId(), terminalId: "1", cols: 80, rows: 24, expiresAt: in1Hour() }),
      ).rejects.toThrow(RunNotFoundError);

      expect(await db.deleteExpiredRecordings()).toBe(1);
      expect((await db.listRecordings(run.id)).map((recording) => recording.id)).toEqual([kept.id]);
      expect(await db.readRecordingChunks(old.id)).toEqual([]);
    });

    it("keeps saved labs per run, finds a learner's saved run, and lists expired ones", async () => {
      const learner = await db.ensureLearner();
      const run = await db.createRun({ learnerId: learner.id, scenarioId: "saved", expiresAt: in1Hour() });
      await db.updateRun(run.id, { status: "saved", environmentId: null });
      expect(await db.findActiveRun(learner.id, "saved")).toBeNull();
      expect((await db.findSavedRun(learner.id, "saved"))?.id).toBe(run.id);
      // A saved run frees the active slot: a new run of the scenario may start (and resuming would then collide).
      const other = await db.createRun({ learnerId: learner.id, scenarioId: "saved", expiresAt: in1Hour() });
      await expect(db.updateRun(run.id, { status: "ready" })).rejects.toThrow(ActiveRunExistsError);
      await db.updateRun(other.id, { status: "stopped" });

      const saved = await db.saveLab({
        runId: run.id,
        learnerId: learner.id,
        step: 2,
        images: { node1: "circus-checkpoint:c-1", node2: "circus-checkpoint:c-2" },
        sizeKiB: 300,
        expiresAt: in1Hour(),
      });
      expect(saved).toMatchObject({ step: 2, sizeKiB: 300, images: { node1: "circus-checkpoint:c-1" } });
      await db.saveLab({ ...saved, step: 3, sizeKiB: 400, expiresAt: new Date(Date.now() - 1_000) });
      expect((await db.listSavedLabs(learner.id)).map((lab) => [lab.step, lab.sizeKiB])).toEqual([[3, 400]]);
      expect((await db.listExpiredSavedLabs()).map((lab) => lab.runId)).toContain(run.id);
      await expect(db.saveLab({ ...saved, runId: newRandomId(), expiresAt: in1Hour() })).rejects.toThrow(
        RunNotFoundError,
      );
      expect(await db.deleteSavedLab(run.id)).toBe(true);
      expect(await db.deleteSavedLab(run.id)).toBe(false);
      expect(await db.getSavedLab(run.id)).toBeNull();
    });

    it("cascades a learner's deletion to runs and progress, and keeps events", async () => {
      const learner = await db.ensureLearner();
      const run = await db.createRun({ learnerId: learner.id, scenarioId: "gone", expiresAt: in1Hour() });
      await db.markStepShown(run.id, 0);
      await db.recordEvent({ type: "run.started", runId: run.id, learnerId: learner.id });
      // The id is base64url (checked by ensureLearner), safe to inline.
      await db.client.$queryRawUnsafe(`DELETE FROM "Learner" WHERE "id" = '${learner.id}'`);
      expect(await db.getRun(run.id)).toBeNull();
      expect(await db.listStepProgress(run.id)).toEqual([]);
      expect(await db.listEvents({ runId: run.id })).toHaveLength(1);
    });
  });
}

defineDatabaseSuite("@circus/db on SQLite (a temporary file)", "sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "circus-db-"));
  return {
    url: `file:${join(dir, "nested", "circus.db")}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const postgresUrl = process.env.CIRCUS_TEST_POSTGRES_URL;

defineDatabaseSuite("@circus/db on PostgreSQL (CIRCUS_TEST_POSTGRES_URL)", "postgresql", async () => {
  if (!postgresUrl) {
    throw new Error(
      "CIRCUS_TEST_POSTGRES_URL is not set: run `npx tsx scripts/ensure-postgres.ts` and set it to the URL it prints (npm test does both)",
    );
  }
  // A database of its own, dropped afterwards: the suite never touches existing data.
  const base = new URL(postgresUrl);
  const name = `circus_db_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  base.pathname = `/${name}`;
  return { url: base.toString(), cleanup: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
});

describe("@circus/db when PostgreSQL does not answer", () => {
  it("says so with a typed error and the remedy, from migrate and from open", async () => {
    const url = "postgresql://circus:circus@127.0.0.1:1/nowhere";
    const migrating = migrateDatabase({ url });
    await expect(migrating).rejects.toThrow(DatabaseUnreachableError);
    await expect(migrating).rejects.toThrow(/ensure-postgres/);
    await expect(openDatabase({ url })).rejects.toThrow(DatabaseUnreachableError);
  });
});
