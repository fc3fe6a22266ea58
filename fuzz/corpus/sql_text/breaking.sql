ALTER TABLE Track RENAME COLUMN Composer TO Songwriter;
