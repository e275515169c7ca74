-- What demo_shortlister wrote (the hand-inserted postings only).
SELECT p.title, p.company, s.note
  FROM demo.shortlist s JOIN demo.job_postings p ON p.id = s.posting_id
 WHERE p.company <> 'Bulk Co'
 ORDER BY p.id
