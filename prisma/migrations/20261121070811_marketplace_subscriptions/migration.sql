-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('PENDING_FULFILLMENT_START', 'SUBSCRIBED', 'SUSPENDED', 'UNSUBSCRIBED');

-- CreateTable
CREATE TABLE "subscription" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT,
    "offer_id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "quantity" INTEGER,
    "status" "SubscriptionStatus" NOT NULL,
    "is_free_trial" BOOLEAN NOT NULL DEFAULT false,
    "term_unit" TEXT,
    "term_starts_at" TIMESTAMPTZ(3),
    "term_ends_at" TIMESTAMPTZ(3),
    "auto_renew" BOOLEAN,
    "purchaser_tenant_id" TEXT NOT NULL,
    "purchaser_oid" TEXT,
    "purchaser_email" TEXT,
    "beneficiary_tenant_id" TEXT NOT NULL,
    "beneficiary_oid" TEXT,
    "beneficiary_email" TEXT,
    "contact_name" TEXT,
    "contact_email" TEXT,
    "contact_phone" TEXT,
    "activated_at" TIMESTAMPTZ(3),
    "activated_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "marketplace_activation" (
    "subscription_id" UUID NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_by" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "marketplace_activation_pkey" PRIMARY KEY ("subscription_id")
);

-- CreateIndex
CREATE INDEX "subscription_tenant_id_idx" ON "subscription"("tenant_id");

-- AddForeignKey
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
