ALTER TABLE users RENAME COLUMN login TO username;
ALTER TABLE users DROP COLUMN email;
