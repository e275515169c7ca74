-- One retention pass: expired agent_logs rows and finished events past their keep time.
SELECT agent_logs_deleted, events_deleted FROM talvix.delete_expired()
