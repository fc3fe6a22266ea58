CREATE TRIGGER book_pages_audit AFTER UPDATE OF pages ON [book] BEGIN
    INSERT INTO audit (what) VALUES ('pages of ' || new.[book id])