-- AlterTable
ALTER TABLE "tenant" ADD COLUMN     "personal" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "status_before_suspension" "TenantStatus";

-- CreateTable
CREATE TABLE "admin_signup_state" (
    "id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consented_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_signup_state_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "admin_signup_state_expires_at_idx" ON "admin_signup_state"("expires_at");
