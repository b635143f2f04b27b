-- PostgreSQL roles for the dashboard: an owner that migrates, and an app role that cannot rewrite the audit trail.
--
-- Run as a superuser (or the database's owner) in the dashboard's own database, AFTER the schema exists
-- (any `python -m dashboard ...` command run once creates it), for example:
--     psql -h HOST -U postgres -d cpu_dashboard -f docs/deploy/postgres-roles.sql
-- Then give both roles passwords (psql: \password dashboard_owner, \password dashboard_app), point the app
-- (DASHBOARD_DB_URL or secrets.toml) at dashboard_app, and run migrations of later releases as the owner:
--     python -m dashboard audit verify --db postgresql+psycopg://dashboard_owner@HOST/cpu_dashboard
-- The script is idempotent: run it again after a migration added tables. See docs/security.md and docs/data.md.
--
-- What it promises: dashboard_app may only SELECT and INSERT on audit_log (no UPDATE, DELETE, TRUNCATE) and owns
-- nothing, so it can neither disable the trail's triggers nor alter or drop any table. It reads and writes the
-- other tables as the app needs, but TRUNCATE is granted on none.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashboard_owner') THEN
        CREATE ROLE dashboard_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashboard_app') THEN
        CREATE ROLE dashboard_app LOGIN;
    END IF;
END
$$;

-- Only the owner creates objects in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO dashboard_owner;
GRANT USAGE ON SCHEMA public TO dashboard_app;

-- The owner owns every table (and with it the id sequences) and the trigger function.
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO dashboard_owner', item.tablename);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.proname LIKE 'audit_log_%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO dashboard_owner', item.signature);
    END LOOP;
END
$$;

-- The app: read and write the working tables ...
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dashboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dashboard_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dashboard_app;
-- ... only read the schema version ...
REVOKE INSERT, UPDATE, DELETE ON schema_version FROM dashboard_app;
-- ... and only append to the audit trail.
REVOKE UPDATE, DELETE ON audit_log FROM dashboard_app;

-- Tables that later migrations create (as dashboard_owner) are usable by the app without running this again;
-- a new append-only table still needs its REVOKE above.
ALTER DEFAULT PRIVILEGES FOR ROLE dashboard_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dashboard_app;
ALTER DEFAULT PRIVILEGES FOR ROLE dashboard_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO dashboard_app;
