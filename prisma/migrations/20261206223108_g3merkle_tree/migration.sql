-- CreateTable
CREATE TABLE "audit_tree_hashes" (
    "id" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "audit_tree_hashes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "size" BIGINT NOT NULL,
    "note" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("size")
);

-- Hand-written: like audit_entries, the tree and its checkpoints are append-only, enforced by the
-- database for whoever connects (lib/db/client.ts also revokes UPDATE and DELETE from the app's role).
-- Entries written before this migration enter the tree at the next boot (lib/boot.ts) or, failing
-- that, at the next audited mutation (lib/audit/tree.ts catches up inside its lock).

-- CreateFunction
CREATE FUNCTION "audit_tree_append_only"() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'The audit tree and its checkpoints can only be appended to.';
END;
$$;

-- CreateTrigger
CREATE TRIGGER "audit_tree_hashes_no_update_delete"
BEFORE UPDATE OR DELETE ON "audit_tree_hashes"
FOR EACH ROW EXECUTE FUNCTION "audit_tree_append_only"();

-- CreateTrigger
CREATE TRIGGER "audit_tree_hashes_no_truncate"
BEFORE TRUNCATE ON "audit_tree_hashes"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_tree_append_only"();

-- CreateTrigger
CREATE TRIGGER "audit_checkpoints_no_update_delete"
BEFORE UPDATE OR DELETE ON "audit_checkpoints"
FOR EACH ROW EXECUTE FUNCTION "audit_tree_append_only"();

-- CreateTrigger
CREATE TRIGGER "audit_checkpoints_no_truncate"
BEFORE TRUNCATE ON "audit_checkpoints"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_tree_append_only"();
