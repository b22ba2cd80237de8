-- CreateEnum
CREATE TYPE "SignupChannel" AS ENUM ('TRIAL', 'ADMIN_SIGNUP', 'MARKETPLACE');

-- AlterTable
ALTER TABLE "tenant" ADD COLUMN     "signup_channel" "SignupChannel" NOT NULL DEFAULT 'TRIAL';

-- CreateTable
CREATE TABLE "operator_session" (
    "id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "oid" UUID NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "role" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_event_occurred_at_id_idx" ON "audit_event"("occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_event_type_occurred_at_idx" ON "audit_event"("type", "occurred_at" DESC);

-- CreateIndex
CREATE INDEX "audit_event_actor_occurred_at_idx" ON "audit_event"("actor", "occurred_at" DESC);

-- CreateIndex
CREATE INDEX "tenant_created_at_id_idx" ON "tenant"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "tenant_status_created_at_id_idx" ON "tenant"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "tenant_trial_ends_at_id_idx" ON "tenant"("trial_ends_at", "id");

-- CreateIndex
CREATE INDEX "tenant_status_trial_ends_at_id_idx" ON "tenant"("status", "trial_ends_at", "id");

-- CreateIndex
CREATE INDEX "tenant_primary_domain_idx" ON "tenant"("primary_domain" text_pattern_ops);
