-- $1 postings in one statement; every fourth one matches the scorer's keywords.
INSERT INTO demo.job_postings (title, company, description)
SELECT 'Role ' || i, 'Bulk Co', CASE WHEN i % 4 = 0 THEN 'python postgres sql remote' ELSE 'misc' END
  FROM generate_series(1, $1) AS i
