-- The historian's records: one table per JetStream stream kind, all of the same shape, append-only.
-- Flyway runs this as the schema owner with search_path = historian.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'historian_writer') THEN
        CREATE ROLE historian_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'historian_reader') THEN
        CREATE ROLE historian_reader NOLOGIN;
    END IF;
END $$;

-- How long each table keeps its rows (NULL: for ever), and, under 'batches', how long after its completion a batch's
-- records are kept. Written by the historian from its configuration at start.
CREATE TABLE retention_policy (
    table_name text PRIMARY KEY,
    keep       interval CHECK (keep IS NULL OR keep > interval '0')
);
INSERT INTO retention_policy (table_name, keep) VALUES
    ('telemetry', NULL), ('events', NULL), ('alerts', NULL), ('quality', NULL), ('batch_events', NULL),
    ('audit', NULL), ('batches', interval '6 years');

-- Batches as the BATCHES stream tells them (batch.{batchId}.start|complete|hold|release), kept up to date by a
-- trigger on batch_events. Their retain_until guards every record of the batch from retention.
CREATE TABLE batches (
    batch_id        text PRIMARY KEY,
    first_event_at  timestamptz NOT NULL,
    last_event_at   timestamptz NOT NULL,
    started_at      timestamptz,
    completed_at    timestamptz,
    last_hold_at    timestamptz,
    last_release_at timestamptz,
    retain_until    timestamptz
);

CREATE FUNCTION on_hold(b batches) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT b.last_hold_at IS NOT NULL AND (b.last_release_at IS NULL OR b.last_release_at < b.last_hold_at)
$$;

-- True while the records of batch b must stay: a record with a batch id may go only when its batch is known,
-- complete, not on hold, and past its retain-until date.
CREATE FUNCTION batch_protected(b text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = historian, pg_temp AS $$
    SELECT b IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM batches x
        WHERE x.batch_id = b AND x.retain_until IS NOT NULL AND x.retain_until <= now() AND NOT on_hold(x))
$$;

-- Refuses UPDATE and DELETE on records, whoever asks. The one exception is a DELETE made while the retention function
-- runs (it sets historian.retention for its own transaction), and even then only of a row that retention may remove:
-- older than its table's keep and outside every protected batch. Setting historian.retention by hand therefore opens
-- no other door.
CREATE FUNCTION guard_record() RETURNS trigger
    LANGUAGE plpgsql SET search_path = historian, pg_temp AS $$
DECLARE
    logical_table text := TG_ARGV[0];
    keep_for interval;
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('historian.retention', true) = 'on' THEN
        SELECT p.keep INTO keep_for FROM retention_policy p WHERE p.table_name = logical_table;
        IF keep_for IS NOT NULL AND OLD.stored_at < now() - keep_for AND NOT batch_protected(OLD.batch_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'historian.%: stream % sequence % is inside its retention or belongs to protected batch %',
            logical_table, OLD.stream, OLD.stream_seq, OLD.batch_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RAISE EXCEPTION '% on historian.% is refused: records are append-only', TG_OP, logical_table
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE on historian.% is refused: records are append-only', TG_ARGV[0]
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- The record tables. Key: stream + sequence + JetStream's own storage time of that sequence. The time is fixed by
-- JetStream for each sequence, so for one stream the key is the sequence; it is part of the key because partitioned
-- tables (TimescaleDB hypertables) need their time column in every unique key, and because a stream deleted and
-- created again restarts its sequences at 1: its new messages must not be taken for duplicates of the old ones.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['telemetry', 'events', 'alerts', 'quality', 'batch_events', 'audit'] LOOP
        EXECUTE format($f$
            CREATE TABLE %1$I (
                stream          text        NOT NULL,
                stream_seq      bigint      NOT NULL CHECK (stream_seq > 0),
                stored_at       timestamptz NOT NULL,
                subject         text        NOT NULL,
                device_id       text,
                device_type     text,
                gateway_id      text,
                batch_id        text,
                device_time     timestamptz,
                gateway_time    timestamptz,
                payload         bytea       NOT NULL,
                payload_sha256  bytea       NOT NULL,
                declared_sha256 text,
                headers         jsonb,
                ingested_at     timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT %2$I UNIQUE (stream, stream_seq, stored_at),
                CONSTRAINT %3$I CHECK (payload_sha256 = sha256(payload))
            )$f$, t, t || '_key', t || '_payload_sha256');
        EXECUTE format('CREATE INDEX %I ON %I (batch_id, stored_at) WHERE batch_id IS NOT NULL', t || '_batch', t);
        EXECUTE format('CREATE INDEX %I ON %I (device_id, stored_at)', t || '_device', t);
        EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION guard_record(%L)', t, t);
        EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION refuse_truncate(%L)', t, t);
        EXECUTE format('GRANT SELECT, INSERT ON %I TO historian_writer', t);
        EXECUTE format('GRANT SELECT ON %I TO historian_reader', t);
        EXECUTE format('COMMENT ON TABLE %I IS %L', t,
                       'Append-only records of one JetStream stream kind: payload byte-exact, SHA-256 checked');
    END LOOP;
END $$;

-- Every record in one place, for reports across streams.
CREATE VIEW records AS
    SELECT 'telemetry'::text AS table_name, * FROM telemetry
    UNION ALL SELECT 'events', * FROM events
    UNION ALL SELECT 'alerts', * FROM alerts
    UNION ALL SELECT 'quality', * FROM quality
    UNION ALL SELECT 'batch_events', * FROM batch_events
    UNION ALL SELECT 'audit', * FROM audit;

-- batch_events rows keep batches current. Runs as the owner: the writer role has no UPDATE anywhere.
CREATE FUNCTION track_batch() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = historian, pg_temp AS $$
DECLARE
    b text := NEW.batch_id;
    action text;
    event_at timestamptz := coalesce(NEW.gateway_time, NEW.stored_at);
    keep_for interval;
BEGIN
    IF NEW.subject ~ '^batch\.[^.]+\.[^.]+$' THEN
        b := split_part(NEW.subject, '.', 2); -- the subject names the batch the event is about
        action := split_part(NEW.subject, '.', 3);
    END IF;
    IF b IS NULL OR b = '' THEN
        RETURN NULL;
    END IF;
    SELECT p.keep INTO keep_for FROM retention_policy p WHERE p.table_name = 'batches';
    INSERT INTO batches AS x (batch_id, first_event_at, last_event_at) VALUES (b, event_at, event_at)
        ON CONFLICT (batch_id) DO UPDATE
        SET first_event_at = least(x.first_event_at, EXCLUDED.first_event_at),
            last_event_at = greatest(x.last_event_at, EXCLUDED.last_event_at);
    -- least/greatest skip NULLs: the first event of a kind sets the date, later ones move it out only.
    IF action = 'start' THEN
        UPDATE batches SET started_at = least(started_at, event_at) WHERE batch_id = b;
    ELSIF action = 'complete' THEN
        UPDATE batches SET completed_at = greatest(completed_at, event_at),
                           retain_until = greatest(retain_until, greatest(completed_at, event_at) + keep_for)
        WHERE batch_id = b;
    ELSIF action = 'hold' THEN
        UPDATE batches SET last_hold_at = greatest(last_hold_at, event_at) WHERE batch_id = b;
    ELSIF action = 'release' THEN
        UPDATE batches SET last_release_at = greatest(last_release_at, event_at) WHERE batch_id = b;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER track_batch AFTER INSERT ON batch_events FOR EACH ROW EXECUTE FUNCTION track_batch();

-- A batch's retain-until date only ever moves later, and batches are never removed.
CREATE FUNCTION guard_batch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.batch_id = OLD.batch_id
            AND (OLD.retain_until IS NULL OR NEW.retain_until >= OLD.retain_until) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on historian.batches is refused: a batch''s retain-until date only moves later', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER guard_batch BEFORE UPDATE OR DELETE ON batches FOR EACH ROW EXECUTE FUNCTION guard_batch();
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON batches FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate('batches');

-- The only delete path: removes up to max_rows rows of one table that its retention allows, and returns how many.
CREATE FUNCTION apply_retention(logical_table text, max_rows integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = historian, pg_temp AS $$
DECLARE
    keep_for interval;
    removed bigint;
BEGIN
    SELECT p.keep INTO keep_for FROM retention_policy p
    WHERE p.table_name = logical_table AND logical_table <> 'batches';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'historian has no record table %', logical_table;
    END IF;
    IF keep_for IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('historian.retention', 'on', true);
    EXECUTE format(
        'DELETE FROM %1$I WHERE (stream, stream_seq, stored_at) IN ('
        '  SELECT stream, stream_seq, stored_at FROM %1$I'
        '  WHERE stored_at < now() - $1 AND NOT batch_protected(batch_id) LIMIT $2)', logical_table)
        USING keep_for, max_rows;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('historian.retention', 'off', true);
    RETURN removed;
END $$;

REVOKE ALL ON FUNCTION apply_retention(text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION track_batch() FROM PUBLIC;

GRANT USAGE ON SCHEMA historian TO historian_writer, historian_reader;
GRANT SELECT ON batches, retention_policy, records TO historian_writer, historian_reader;
