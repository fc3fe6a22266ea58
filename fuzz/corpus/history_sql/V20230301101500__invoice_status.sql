ALTER TABLE invoices ADD COLUMN status TEXT;
UPDATE invoices SET status = 'open';
ALTER TABLE invoices ALTER COLUMN status SET NOT NULL;
