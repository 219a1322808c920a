-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "{{name_snake}}_item" (
    "id" TEXT NOT NULL,
    "store_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "{{name_snake}}_item_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "{{name_snake}}_item_store_id_created_at_idx" ON "{{name_snake}}_item"("store_id", "created_at");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_created_at_idx" ON "outbox_event"("published_at", "created_at");

-- Store membership projection (kernel tenancy)
CREATE TABLE "store_access" (
    "store_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "permissions" TEXT[],
    "revoked" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_access_pkey" PRIMARY KEY ("store_id","user_id")
);

CREATE TABLE "store_state" (
    "store_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "owner_id" TEXT,
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_state_pkey" PRIMARY KEY ("store_id")
);

CREATE INDEX "store_access_user_id_idx" ON "store_access"("user_id");

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

-- Row-level security (kernel tenancy): {{name_snake}}_item rows are visible only within their store.
ALTER TABLE "{{name_snake}}_item" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "{{name_snake}}_item" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "{{name_snake}}_item_store_isolation" ON "{{name_snake}}_item";
CREATE POLICY "{{name_snake}}_item_store_isolation" ON "{{name_snake}}_item" USING ("store_id" = NULLIF(current_setting('app.store_id', true), '')) WITH CHECK ("store_id" = NULLIF(current_setting('app.store_id', true), ''));
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "{{name_snake}}_item" TO ecomify_tenant;
