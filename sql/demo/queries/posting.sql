-- One demo posting. $1 posting id
SELECT title, description FROM demo.job_postings WHERE id = $1
