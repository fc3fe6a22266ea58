CREATE TRIGGER reading_audit AFTER INSERT ON reading BEGIN
    INSERT INTO audit (what) VALUES ('read ' || new.minutes)