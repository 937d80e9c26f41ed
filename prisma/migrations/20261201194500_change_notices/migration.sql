-- Every statement that writes what servers keep in memory (API keys; the corpus: policies, incentives,
-- jurisdictions, achievement kinds and levels) is announced on one channel, whoever runs it (a server,
-- a script, psql): servers LISTEN and drop what they kept (src/db/changes.ts). Delivered at commit.
-- A new key changes no kept caller (unknown keys are not kept): only changes and deletions of keys count.
CREATE FUNCTION "policygraph_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('policygraph_changes', TG_ARGV[0]);
  RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKey_change_notice" AFTER UPDATE OR DELETE OR TRUNCATE ON "ApiKey"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('keys');
CREATE TRIGGER "Policy_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Policy"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('corpus');
CREATE TRIGGER "Incentive_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Incentive"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('corpus');
CREATE TRIGGER "Jurisdiction_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Jurisdiction"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('corpus');
CREATE TRIGGER "AchievementKind_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "AchievementKind"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('corpus');
CREATE TRIGGER "AchievementLevel_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "AchievementLevel"
  FOR EACH STATEMENT EXECUTE FUNCTION "policygraph_notify_change"('corpus');
