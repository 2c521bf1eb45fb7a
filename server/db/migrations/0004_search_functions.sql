-- Text search that works the same on PGlite and PostgreSQL, whatever the database locale:
-- Latin letters and digits as lowercase words, Chinese (CJK) text as single characters and
-- overlapping character pairs. Searching "读卡器" looks for the pairs 读卡 & 卡器, so a GIN index
-- finds candidates for any substring of two or more characters; the caller re-checks the exact
-- substring with ILIKE on those few rows.
CREATE FUNCTION fw_search_tokens(input text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH runs AS (
    SELECT r[1] AS run FROM regexp_matches(coalesce(input, ''), '([一-鿿㐀-䶿豈-﫿]+)', 'g') AS r
  )
  SELECT coalesce(array_agg(DISTINCT tok), '{}'::text[]) FROM (
    SELECT m[1] AS tok FROM regexp_matches(lower(coalesce(input, '')), '([a-z0-9]+)', 'g') AS m
    UNION ALL
    SELECT substr(run, i, 1) FROM runs, generate_series(1, length(run)) AS i
    UNION ALL
    SELECT substr(run, i, 2) FROM runs, generate_series(1, length(run) - 1) AS i
  ) AS t
$$;
--> statement-breakpoint
-- The query side: every Latin word as a prefix, Chinese as pairs (a single character alone).
-- NULL when the text holds nothing searchable.
CREATE FUNCTION fw_search_query(input text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH runs AS (
    SELECT r[1] AS run FROM regexp_matches(coalesce(input, ''), '([一-鿿㐀-䶿豈-﫿]+)', 'g') AS r
  ), terms AS (
    SELECT quote_literal(m[1]) || ':*' AS term FROM regexp_matches(lower(coalesce(input, '')), '([a-z0-9]+)', 'g') AS m
    UNION ALL
    SELECT quote_literal(run) FROM runs WHERE length(run) = 1
    UNION ALL
    SELECT quote_literal(substr(run, i, 2)) FROM runs, generate_series(1, length(run) - 1) AS i
  )
  SELECT CASE WHEN count(*) = 0 THEN NULL ELSE string_agg(term, ' & ')::tsquery END FROM terms
$$;
