-- The seed's own names for the day's LinkedIn budget, so existing Talvix clients keep working:
-- its kill-switch check reads system_daily_limits.total_linkedin_actions where date = today.
-- They are the same facts as day and linkedin_actions, kept by Postgres (generated columns).
ALTER TABLE public.system_daily_limits
    ADD COLUMN date date GENERATED ALWAYS AS (day) STORED,
    ADD COLUMN total_linkedin_actions integer GENERATED ALWAYS AS (linkedin_actions) STORED;
CREATE UNIQUE INDEX system_daily_limits_date_idx ON public.system_daily_limits (date);
