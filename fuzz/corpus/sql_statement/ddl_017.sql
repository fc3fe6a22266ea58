CREATE TABLE [book] (
    [book id] INTEGER PRIMARY KEY,
    `title` VARCHAR(200) NOT NULL DEFAULT 'untitled',
    author_id INTEGER REFERENCES author (id) ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
    pages INTEGER CHECK (pages > 0),
    price NUMERIC(8, 2) DEFAULT (0.0),
    price_with_tax REAL GENERATED ALWAYS AS (round(price * 1.2, 2)) VIRTUAL,
    title_upper TEXT AS (upper(title)) STORED,
    isbn TEXT,
    CONSTRAINT book_isbn_unique UNIQUE (isbn)
)