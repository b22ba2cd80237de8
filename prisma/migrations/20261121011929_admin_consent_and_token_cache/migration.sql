-- AlterTable
ALTER TABLE "tenant" ADD COLUMN     "admin_consented_at" TIMESTAMPTZ(3),
ADD COLUMN     "admin_consented_by" UUID,
ADD COLUMN     "consent_revoked_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "token_cache" (
    "partition" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "token_cache_pkey" PRIMARY KEY ("partition")
);
