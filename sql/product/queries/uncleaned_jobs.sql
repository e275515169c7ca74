-- Jobs whose description jd_cleaner has not read yet, oldest first. $1 how many
SELECT id, title, company, location, work_mode, description
  FROM public.jobs
 WHERE NOT jd_cleaned
 ORDER BY id
 LIMIT $1
