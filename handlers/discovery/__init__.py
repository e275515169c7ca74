"""Job discovery: public job APIs and feeds, read politely, turned into rows of public.jobs.

    sources.py     the interface a board implements (Target in, Postings out) and the list of
                   configured boards; one module per board: remotive, himalayas, adzuna, feed
    client.py      the polite HTTP client every board uses: a User-Agent naming Talvix, timeouts,
                   a rate limit per board, retries with backoff that honour Retry-After
    postings.py    what a board's item becomes: canonical company and city, the fingerprint
                   jobs are de-duplicated by, the description as text, the work mode and platform

No page of LinkedIn or Indeed is ever fetched: only documented public APIs and feeds.
"""
