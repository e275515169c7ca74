-- Today's fleet-wide LinkedIn budget (UTC day): actions used, the day's limit, the kill switch.
SELECT used, day_limit, kill_switch_on FROM talvix.linkedin_budget_today
