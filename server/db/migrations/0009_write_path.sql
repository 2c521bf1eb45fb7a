-- Recording a domain event wakes the event consumers of every process. The database sends that
-- NOTIFY itself, once per inserting statement (PostgreSQL folds identical notifications of one
-- transaction into one, delivered at commit), so a writer spends no round trip on it.
CREATE FUNCTION fw_notify_domain_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fuwutai_events', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER domain_events_notify AFTER INSERT ON domain_events FOR EACH STATEMENT EXECUTE FUNCTION fw_notify_domain_events();
