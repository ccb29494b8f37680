-- AlterTable
ALTER TABLE "Workshop" ADD COLUMN     "allowSaving" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "SavedLab" (
    "runId" TEXT NOT NULL,
    "learnerId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "images" TEXT NOT NULL,
    "sizeKiB" INTEGER NOT NULL,
    "savedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedLab_pkey" PRIMARY KEY ("runId")
);

-- CreateIndex
CREATE INDEX "SavedLab_learnerId_idx" ON "SavedLab"("learnerId");

-- CreateIndex
CREATE INDEX "SavedLab_expiresAt_idx" ON "SavedLab"("expiresAt");

-- AddForeignKey
ALTER TABLE "SavedLab" ADD CONSTRAINT "SavedLab_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
