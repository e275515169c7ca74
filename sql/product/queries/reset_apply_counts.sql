-- Counts of a UTC day (or month) that is over go back to 0. The caps already read a past day's or
-- month's count as 0 (talvix.reserve_user_apply, guard_facts.sql); this makes the stored counts
-- the user sees agree. Today's and this month's counts are never touched, so running it again, or
-- late, resets nothing twice; apply_counts_day/_month keep naming the period each count is of.
WITH today AS (
    SELECT talvix.utc_today() AS day, date_trunc('month', talvix.utc_today())::date AS month
), reset AS (
    UPDATE public.users u
       SET daily_apply_count = CASE WHEN u.apply_counts_day < t.day THEN 0 ELSE u.daily_apply_count END,
           monthly_apply_count = CASE WHEN u.apply_counts_month < t.month THEN 0 ELSE u.monthly_apply_count END
      FROM today t
     WHERE (u.apply_counts_day < t.day AND u.daily_apply_count > 0)
        OR (u.apply_counts_month < t.month AND u.monthly_apply_count > 0)
    RETURNING u.apply_counts_day < t.day AS day_over, u.apply_counts_month < t.month AS month_over
)
SELECT (SELECT day FROM today) AS day,
       count(*) FILTER (WHERE day_over) AS daily_reset,
       count(*) FILTER (WHERE month_over) AS monthly_reset
  FROM reset
