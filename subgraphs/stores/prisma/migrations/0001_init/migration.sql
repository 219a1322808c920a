-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "StoreStatus" AS ENUM ('ACTIVE', 'PAUSED', 'SUSPENDED', 'CLOSED');

-- CreateTable
CREATE TABLE "store" (
    "id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "custom_domain" TEXT,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "locale" TEXT NOT NULL DEFAULT 'en-US',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "theme" JSONB NOT NULL DEFAULT '{}',
    "status" "StoreStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "store_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "store_staff" (
    "store_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "permissions" TEXT[],
    "added_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "store_staff_pkey" PRIMARY KEY ("store_id","user_id")
);

-- CreateTable
CREATE TABLE "store_status_change" (
    "id" TEXT NOT NULL,
    "store_id" TEXT NOT NULL,
    "from" "StoreStatus" NOT NULL,
    "to" "StoreStatus" NOT NULL,
    "reason" TEXT,
    "changed_by" TEXT NOT NULL,
    "changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "store_status_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_user" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "directory_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_event" (
    "id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "processed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "store_slug_key" ON "store"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "store_domain_key" ON "store"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "store_custom_domain_key" ON "store"("custom_domain");

-- CreateIndex
CREATE INDEX "store_owner_id_idx" ON "store"("owner_id");

-- CreateIndex
CREATE INDEX "store_staff_user_id_idx" ON "store_staff"("user_id");

-- CreateIndex
CREATE INDEX "store_status_change_store_id_changed_at_idx" ON "store_status_change"("store_id", "changed_at");

-- CreateIndex
CREATE UNIQUE INDEX "directory_user_email_key" ON "directory_user"("email");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_created_at_idx" ON "outbox_event"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "store_staff" ADD CONSTRAINT "store_staff_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "store_status_change" ADD CONSTRAINT "store_status_change_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "store"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Tenant role (kernel tenancy): least privilege for store-scoped queries; RLS applies to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ecomify_tenant') THEN
    CREATE ROLE ecomify_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION
  -- Roles are cluster-wide: another database's migration may create it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'ecomify_tenant', 'MEMBER') THEN
    EXECUTE format('GRANT ecomify_tenant TO %I', current_user);
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO ecomify_tenant;
GRANT SELECT, INSERT ON TABLE "outbox_event" TO ecomify_tenant;

-- Row-level security (kernel tenancy): store_status_change rows are visible only within their store.
ALTER TABLE "store_status_change" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "store_status_change" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "store_status_change_store_isolation" ON "store_status_change";
CREATE POLICY "store_status_change_store_isolation" ON "store_status_change" USING ("store_id" = NULLIF(current_setting('app.store_id', true), '')) WITH CHECK ("store_id" = NULLIF(current_setting('app.store_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "store_status_change" TO ecomify_tenant;
