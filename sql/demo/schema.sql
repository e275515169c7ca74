-- The demo's tables and watches (talvix demo; also used by the tests). Safe to run again.
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

CREATE TABLE demo.job_postings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title       text NOT NULL,
    company     text NOT NULL,
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE demo.keyword_scores (
    posting_id bigint PRIMARY KEY REFERENCES demo.job_postings (id) ON DELETE CASCADE,
    score      integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    matched    text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE demo.shortlist (
    posting_id bigint PRIMARY KEY REFERENCES demo.job_postings (id) ON DELETE CASCADE,
    note       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

SELECT talvix.watch('demo.job_postings', 'demo_keyword_scorer', '{INSERT}');
SELECT talvix.watch('demo.keyword_scores', 'demo_shortlister', '{INSERT}', condition => 'NEW.score >= 60');
