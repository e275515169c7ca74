-- One learning signal from an agent's own outcome (the follow-up agent's emails and LinkedIn notes;
-- application outcomes are written by the trigger of migration 029). Returns its id.
-- $1 user id (NULL for the fleet), $2 signal type (learning_signals' CHECK lists them), $3 context
INSERT INTO public.learning_signals (user_id, signal_type, context) VALUES ($1, $2, $3) RETURNING id
