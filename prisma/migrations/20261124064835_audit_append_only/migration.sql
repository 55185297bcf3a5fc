-- Hand-written (created with `npm run db:migration -- audit_append_only --empty`): Prisma's schema
-- language cannot express triggers.
--
-- The audit log is append-only, and the database itself enforces it: whoever connects (the app, psql,
-- another service), UPDATE, DELETE and TRUNCATE on "audit_entries" fail. INSERT stays allowed.
-- Maintenance that really must remove entries needs a table owner to disable the triggers explicitly
-- (ALTER TABLE "audit_entries" DISABLE TRIGGER ...), which is itself visible in the database logs.

-- CreateFunction
CREATE FUNCTION "audit_entries_append_only"() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Audit entries can only be inserted; record a correction as a new entry.';
END;
$$;

-- CreateTrigger
CREATE TRIGGER "audit_entries_no_update_delete"
BEFORE UPDATE OR DELETE ON "audit_entries"
FOR EACH ROW EXECUTE FUNCTION "audit_entries_append_only"();

-- CreateTrigger
CREATE TRIGGER "audit_entries_no_truncate"
BEFORE TRUNCATE ON "audit_entries"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_append_only"();
