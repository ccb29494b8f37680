-- CreateTable
CREATE TABLE "ReplicaRateEvent" (
    "id" SERIAL NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReplicaRateEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunClientAddress" (
    "runId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunClientAddress_pkey" PRIMARY KEY ("runId")
);

-- CreateTable
CREATE TABLE "SpentObserverTicket" (
    "nonce" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SpentObserverTicket_pkey" PRIMARY KEY ("nonce")
);

-- CreateTable
CREATE TABLE "EnvironmentLease" (
    "environmentId" TEXT NOT NULL,
    "lastActivityAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnvironmentLease_pkey" PRIMARY KEY ("environmentId")
);

-- CreateIndex
CREATE INDEX "ReplicaRateEvent_bucket_key_at_idx" ON "ReplicaRateEvent"("bucket", "key", "at");

-- CreateIndex
CREATE INDEX "ReplicaRateEvent_at_idx" ON "ReplicaRateEvent"("at");

-- CreateIndex
CREATE INDEX "RunClientAddress_address_idx" ON "RunClientAddress"("address");

-- CreateIndex
CREATE INDEX "SpentObserverTicket_expiresAt_idx" ON "SpentObserverTicket"("expiresAt");
