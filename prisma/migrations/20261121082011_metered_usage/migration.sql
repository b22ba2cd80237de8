-- CreateEnum
CREATE TYPE "MeteredHourStatus" AS ENUM ('PENDING', 'SENT', 'REJECTED', 'INCLUDED');

-- CreateTable
CREATE TABLE "usage_record" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "quantity" DECIMAL(18,6) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "aggregated_at" TIMESTAMPTZ(3),

    CONSTRAINT "usage_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metered_hour" (
    "id" BIGSERIAL NOT NULL,
    "subscription_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "quantity" DECIMAL(18,6) NOT NULL,
    "billable" DECIMAL(18,6) NOT NULL,
    "status" "MeteredHourStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "marketplace_status" TEXT,
    "usage_event_id" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "metered_hour_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "usage_record_aggregated_at_occurred_at_idx" ON "usage_record"("aggregated_at", "occurred_at");

-- CreateIndex
CREATE INDEX "metered_hour_status_next_attempt_at_idx" ON "metered_hour"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "metered_hour_subscription_id_dimension_hour_key" ON "metered_hour"("subscription_id", "dimension", "hour");
