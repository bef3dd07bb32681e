-- What another layout of the index tables would cost to write, measured on a loaded store (idx_token only).
-- Run with psql -f on a store loaded by `Shifo.ServerBench load` (about 1 million resources); it makes its own
-- tables (src_tok, keymap, parammap, tok_a, tok_b, tok_c), drops them at the end, and changes nothing else.
--   a: today's layout: text res_type and res_id, index (res_type, res_id) and (res_type, param, code, system)
--   b: the same with a bigint key per resource and an int id per (type, parameter): (res_key), (param_id, code, system)
--   c: b with one index only, the resource key last: (param_id, code, system, res_key)
-- Each table is filled with the rows of the first 80 % of resources, indexed and vacuumed; then the same four slices
-- of 50,000 resources each are inserted into each table in turns, 500 resources per statement (as the store
-- writes a batch), and the time per resource printed.
\set ON_ERROR_STOP on
DROP TABLE IF EXISTS src_tok, keymap, parammap, tok_a, tok_b, tok_c;
CREATE TABLE keymap AS SELECT res_type, res_id, row_number() OVER (ORDER BY min(seq)) AS res_key FROM resource_version GROUP BY res_type, res_id;
CREATE INDEX ON keymap (res_type, res_id);
CREATE TABLE parammap AS SELECT res_type, param, row_number() OVER (ORDER BY res_type, param)::int AS param_id FROM (SELECT DISTINCT res_type, param FROM idx_token) d;
CREATE TABLE src_tok AS SELECT t.*, k.res_key, p.param_id FROM idx_token t JOIN keymap k USING (res_type, res_id) JOIN parammap p USING (res_type, param) ORDER BY k.res_key;
CREATE INDEX ON src_tok (res_key);
SELECT max(res_key) AS resources, (0.8 * max(res_key))::bigint AS filled FROM keymap \gset

CREATE TABLE tok_a (LIKE idx_token);
CREATE TABLE tok_b (res_key bigint NOT NULL, version_id bigint NOT NULL, param_id int NOT NULL, grp int, comp int,
  system text, code text, text_norm text, type_system text, type_code text);
CREATE TABLE tok_c (LIKE tok_b);
INSERT INTO tok_a SELECT res_type, res_id, version_id, param, grp, comp, system, code, text_norm, type_system, type_code FROM src_tok WHERE res_key <= :filled;
INSERT INTO tok_b SELECT res_key, version_id, param_id, grp, comp, system, code, text_norm, type_system, type_code FROM src_tok WHERE res_key <= :filled;
INSERT INTO tok_c SELECT * FROM tok_b;
CREATE INDEX tok_a_res ON tok_a (res_type, res_id);
CREATE INDEX tok_a_search ON tok_a (res_type, param, code, system);
CREATE INDEX tok_b_res ON tok_b (res_key);
CREATE INDEX tok_b_search ON tok_b (param_id, code, system);
CREATE INDEX tok_c_search ON tok_c (param_id, code, system, res_key);
VACUUM ANALYZE tok_a;
VACUUM ANALYZE tok_b;
VACUUM ANALYZE tok_c;

CREATE FUNCTION pg_temp.load_batches(target text, from_key bigint, to_key bigint) RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE k bigint := from_key; t0 timestamptz := clock_timestamp();
BEGIN
  WHILE k < to_key LOOP
    IF target = 'a' THEN
      INSERT INTO tok_a SELECT res_type, res_id, version_id, param, grp, comp, system, code, text_norm, type_system, type_code FROM src_tok WHERE res_key > k AND res_key <= k + 500;
    ELSIF target = 'b' THEN
      INSERT INTO tok_b SELECT res_key, version_id, param_id, grp, comp, system, code, text_norm, type_system, type_code FROM src_tok WHERE res_key > k AND res_key <= k + 500;
    ELSE
      INSERT INTO tok_c SELECT res_key, version_id, param_id, grp, comp, system, code, text_norm, type_system, type_code FROM src_tok WHERE res_key > k AND res_key <= k + 500;
    END IF;
    k := k + 500;
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / (to_key - from_key);
END $$;

SELECT s AS slice, l AS layout, round(pg_temp.load_batches(l, :filled + s * 50000, :filled + (s + 1) * 50000)::numeric, 1) AS us_per_resource
FROM generate_series(0, 3) s CROSS JOIN (VALUES ('a'), ('b'), ('c')) v(l)
WHERE :filled + (s + 1) * 50000 <= :resources
ORDER BY s, l;

SELECT relname, pg_size_pretty(pg_relation_size(oid)) AS size FROM pg_class WHERE relname LIKE 'tok\_%' ORDER BY relname;
DROP TABLE src_tok, keymap, parammap, tok_a, tok_b, tok_c;
