-- $1 title, $2 company, $3 description
INSERT INTO demo.job_postings (title, company, description) VALUES ($1, $2, $3)
