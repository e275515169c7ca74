-- auto_apply runs when an application's documents are ready, and when the user approves one that
-- waited in review. (One watch per table, agent and operation: both conditions in one expression.)
SELECT talvix.watch('public.job_applications', 'auto_apply', '{UPDATE}', dedup => true,
    condition => $$(NEW.auto_status = 'ready' AND OLD.auto_status IS DISTINCT FROM 'ready')
                 OR (NEW.review_decision = 'approved' AND OLD.review_decision IS DISTINCT FROM 'approved')$$);
