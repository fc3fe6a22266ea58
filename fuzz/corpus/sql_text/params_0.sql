SELECT * FROM t WHERE a = $1 AND b = '$2' -- $3
