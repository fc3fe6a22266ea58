CREATE TABLE tag (
    name TEXT NOT NULL,
    book_id INTEGER NOT NULL,
    weight INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (book_id, name),
    FOREIGN KEY (book_id) REFERENCES [book] ([book id])
) WITHOUT ROWID