-- $1 posting id, $2 score, $3 matched keywords
INSERT INTO demo.keyword_scores (posting_id, score, matched) VALUES ($1, $2, $3)
ON CONFLICT (posting_id) DO NOTHING
