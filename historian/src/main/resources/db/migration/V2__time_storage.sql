-- Time-ordered storage: TimescaleDB hypertables (chunked by JetStream's storage time, telemetry compressed after a
-- week) when the extension can be enabled; otherwise plain tables with BRIN indexes on that time, which rows arrive
-- in almost exactly (a BRIN index stays a few pages for years of records).
-- TimescaleDB's own retention (drop_chunks) is deliberately not used: it drops whole chunks and would bypass the
-- batch guard. apply_retention() is the only delete path in both cases.

CREATE TABLE storage_layout (
    table_name text PRIMARY KEY,
    layout     text NOT NULL,
    note       text
);
GRANT SELECT ON storage_layout TO historian_writer, historian_reader;

DO $$
DECLARE
    t text;
    timescale boolean := false;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS timescaledb;
            timescale := true;
        EXCEPTION WHEN others THEN
            -- e.g. not in shared_preload_libraries, or not allowed for this role
            RAISE WARNING 'TimescaleDB is installed but cannot be enabled (%); using plain PostgreSQL', SQLERRM;
        END;
    END IF;

    FOREACH t IN ARRAY ARRAY['telemetry', 'events', 'alerts', 'quality', 'batch_events', 'audit'] LOOP
        IF timescale THEN
            BEGIN
                PERFORM create_hypertable(format('historian.%I', t)::regclass, 'stored_at',
                        chunk_time_interval => CASE WHEN t = 'telemetry' THEN interval '1 day'
                                                    ELSE interval '7 days' END);
                INSERT INTO storage_layout VALUES (t, 'timescaledb hypertable', NULL);
                CONTINUE;
            EXCEPTION WHEN others THEN
                RAISE WARNING 'historian.% stays a plain table: %', t, SQLERRM;
                INSERT INTO storage_layout VALUES (t, 'postgresql brin', 'hypertable failed: ' || SQLERRM);
            END;
        ELSE
            INSERT INTO storage_layout VALUES (t, 'postgresql brin', NULL);
        END IF;
        EXECUTE format('CREATE INDEX %I ON %I USING brin (stored_at)', t || '_stored_at_brin', t);
    END LOOP;

    IF timescale THEN
        BEGIN
            -- Segments by stream and orders by the key's other columns, as unique keys on compressed chunks require.
            EXECUTE 'ALTER TABLE telemetry SET (timescaledb.compress, timescaledb.compress_segmentby = ''stream'', '
                    'timescaledb.compress_orderby = ''stored_at, stream_seq'')';
            PERFORM add_compression_policy('historian.telemetry'::regclass, interval '7 days');
            UPDATE storage_layout SET note = 'compressed after 7 days' WHERE table_name = 'telemetry';
        EXCEPTION WHEN others THEN
            RAISE WARNING 'telemetry stays uncompressed: %', SQLERRM;
        END;
    END IF;
END $$;

-- Dropping a record table (or the schema with them) is refused too, where this role may install the event trigger
-- that does it (superusers only). Its function lives outside schema historian, or DROP SCHEMA historian CASCADE would
-- drop the trigger with it before it could object. A superuser can still drop the trigger first, or disable
-- triggers: what that would hide, the audit chain shows.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE WARNING 'Not a superuser: record tables are not protected from DROP TABLE by an event trigger';
        RETURN;
    END IF;
    CREATE SCHEMA IF NOT EXISTS historian_guard;
    REVOKE ALL ON SCHEMA historian_guard FROM PUBLIC;
    CREATE FUNCTION historian_guard.refuse_drop() RETURNS event_trigger LANGUAGE plpgsql AS $f$
    DECLARE
        dropped record;
    BEGIN
        FOR dropped IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
            IF dropped.object_type = 'table' AND dropped.schema_name = 'historian' AND dropped.object_name IN
                    ('telemetry', 'events', 'alerts', 'quality', 'batch_events', 'audit', 'batches') THEN
                RAISE EXCEPTION 'Dropping historian.% is refused: records are kept', dropped.object_name
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        END LOOP;
    END $f$;
    CREATE EVENT TRIGGER historian_keep_records ON sql_drop EXECUTE FUNCTION historian_guard.refuse_drop();
END $$;
