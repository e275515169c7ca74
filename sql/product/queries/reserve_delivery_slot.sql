-- One send of the channel's rate for the current window, shared by every worker: the number of sends
-- taken so far (this one included), or NULL when the window is spent; and when the window ends.
-- Windows are aligned on 2000-01-01 UTC. $1 channel, $2 sends per window, $3 window seconds
WITH w AS (
    SELECT date_bin(make_interval(secs => $3::integer), now(), timestamptz '2000-01-01 00:00:00+00') AS start
), taken AS (
    INSERT INTO talvix.delivery_windows AS d (channel, window_start, sent)
    SELECT $1, w.start, 1 FROM w WHERE $2::integer > 0
    ON CONFLICT (channel, window_start) DO UPDATE SET sent = d.sent + 1 WHERE d.sent < $2::integer
    RETURNING d.sent
)
SELECT (SELECT sent FROM taken) AS sent, w.start + make_interval(secs => $3::integer) AS window_ends FROM w
