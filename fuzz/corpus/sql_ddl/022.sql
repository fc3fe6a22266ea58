CREATE TABLE reading (
    id INTEGER PRIMARY KEY,
    book_id INTEGER NOT NULL,
    minutes INTEGER,
    note TEXT
) STRICT