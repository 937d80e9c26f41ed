-- The ledger's state (which generation serves which day and corpus) is kept in memory by readers
-- under change notices, like the corpus and the keys (src/db/changes.ts, src/scope/ledger.ts).
CREATE TRIGGER "LedgerState_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "LedgerState"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('ledger');
