-- CreateEnum
CREATE TYPE "SuspensionReason" AS ENUM ('OPERATOR', 'MARKETPLACE');

-- AlterEnum
ALTER TYPE "TenantStatus" ADD VALUE 'ENDED';

-- AlterTable
ALTER TABLE "subscription" ADD COLUMN     "last_operation_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "tenant" ADD COLUMN     "data_retained_until" TIMESTAMPTZ(3),
ADD COLUMN     "ended_at" TIMESTAMPTZ(3),
ADD COLUMN     "seat_limit" INTEGER,
ADD COLUMN     "suspension_reason" "SuspensionReason";

-- AlterTable
ALTER TABLE "user" ADD COLUMN     "seat_assigned_at" TIMESTAMPTZ(3),
ADD COLUMN     "seat_removed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "marketplace_operation" (
    "id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "operation_at" TIMESTAMPTZ(3),
    "claimed_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_by" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "detail" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "marketplace_operation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "marketplace_operation_subscription_id_idx" ON "marketplace_operation"("subscription_id");
