-- What to search for: the active baseline targets and every role a user targets (in India, where
-- Talvix's users are), each once, most important first.
SELECT role, location, max(priority) AS priority
  FROM (SELECT role_name AS role, location, priority FROM public.baseline_scrape_targets WHERE is_active
        UNION ALL
        SELECT role_title, 'India', 10 - priority FROM public.user_target_roles) t
 GROUP BY lower(role), role, location
 ORDER BY max(priority) DESC, role
