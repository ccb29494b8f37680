-- CreateTable
CREATE TABLE "ReplicaRateEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RunClientAddress" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "address" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SpentObserverTicket" (
    "nonce" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EnvironmentLease" (
    "environmentId" TEXT NOT NULL PRIMARY KEY,
    "lastActivityAt" DATETIME NOT NULL,
    "expiresAt" DATETIME,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ReplicaRateEvent_bucket_key_at_idx" ON "ReplicaRateEvent"("bucket", "key", "at");

-- CreateIndex
CREATE INDEX "ReplicaRateEvent_at_idx" ON "ReplicaRateEvent"("at");

-- CreateIndex
CREATE INDEX "RunClientAddress_address_idx" ON "RunClientAddress"("address");

-- CreateIndex
CREATE INDEX "SpentObserverTicket_expiresAt_idx" ON "SpentObserverTicket"("expiresAt");
