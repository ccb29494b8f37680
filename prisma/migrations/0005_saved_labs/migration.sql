-- CreateTable
CREATE TABLE "SavedLab" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "learnerId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "images" TEXT NOT NULL,
    "sizeKiB" INTEGER NOT NULL,
    "savedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "SavedLab_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Workshop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ownerId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "scenarioIds" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "capacity" INTEGER NOT NULL,
    "ttlSeconds" INTEGER NOT NULL,
    "reserveMinutes" INTEGER NOT NULL DEFAULT 15,
    "joinCode" TEXT NOT NULL,
    "endedAt" DATETIME,
    "allowSaving" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Workshop_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Instructor" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Workshop" ("capacity", "createdAt", "endedAt", "endsAt", "id", "joinCode", "ownerId", "reserveMinutes", "scenarioIds", "startsAt", "title", "ttlSeconds", "updatedAt") SELECT "capacity", "createdAt", "endedAt", "endsAt", "id", "joinCode", "ownerId", "reserveMinutes", "scenarioIds", "startsAt", "title", "ttlSeconds", "updatedAt" FROM "Workshop";
DROP TABLE "Workshop";
ALTER TABLE "new_Workshop" RENAME TO "Workshop";
CREATE UNIQUE INDEX "Workshop_joinCode_key" ON "Workshop"("joinCode");
CREATE INDEX "Workshop_ownerId_idx" ON "Workshop"("ownerId");
CREATE INDEX "Workshop_endedAt_endsAt_idx" ON "Workshop"("endedAt", "endsAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SavedLab_learnerId_idx" ON "SavedLab"("learnerId");

-- CreateIndex
CREATE INDEX "SavedLab_expiresAt_idx" ON "SavedLab"("expiresAt");
