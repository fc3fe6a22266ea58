/* lead */ -- more
ALTER TABLE t ADD c int; SELECT $2::int, $1