-- Put a scored posting on the shortlist, noting what matched. $1 posting id
INSERT INTO demo.shortlist (posting_id, note)
SELECT posting_id, 'matched: ' || array_to_string(matched, ', ') FROM demo.keyword_scores WHERE posting_id = $1
ON CONFLICT (posting_id) DO NOTHING
