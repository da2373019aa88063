-- seq comes from an identity column, so it is unique by construction; the unique index V1 gave it cost an index
-- entry on every row version (each claim, each completion) and bought nothing. Every query orders by seq only after
-- other columns, inside the indexes that serve it.
ALTER TABLE delivery DROP CONSTRAINT delivery_seq_key;
