-- A pending migration (dbmate layout) against the PostgreSQL Chinook sample: the application already
-- queries customer.loyalty_tier (fixtures/logs/chinook_app.log), and billing_country goes away.
-- migrate:up
ALTER TABLE customer ADD COLUMN loyalty_tier text;
CREATE INDEX CONCURRENTLY customer_loyalty_tier_idx ON customer (loyalty_tier);
ALTER TABLE invoice DROP COLUMN billing_country;

-- migrate:down
ALTER TABLE invoice ADD COLUMN billing_country character varying(40);
DROP INDEX customer_loyalty_tier_idx;
ALTER TABLE customer DROP COLUMN loyalty_tier;
