-- AlterTable
ALTER TABLE "Instructor" ADD COLUMN     "setupClaim" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "Instructor_setupClaim_key" ON "Instructor"("setupClaim");

-- A server that already has an admin has been claimed: its first admin holds the claim.
UPDATE "Instructor" SET "setupClaim" = 1
WHERE "id" = (SELECT "id" FROM "Instructor" WHERE "isAdmin" ORDER BY "createdAt", "id" LIMIT 1);
