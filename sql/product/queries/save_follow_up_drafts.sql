-- A stage's drafts, and the application moved to that stage, in one statement: a stage another run
-- already took (the stage moved meanwhile) writes nothing. $1 application, $2 stage,
-- $3 the drafts as jsonb [{channel, subject, body}]
WITH advanced AS (
    UPDATE public.job_applications SET follow_up_stage = $2
     WHERE id = $1 AND follow_up_stage = $2 - 1 AND follow_ups_stopped IS NULL
    RETURNING id, user_id
), drafted AS (
    INSERT INTO public.follow_ups (application_id, user_id, stage, channel, subject, body)
    SELECT a.id, a.user_id, $2, d.channel, d.subject, d.body
      FROM advanced a, jsonb_to_recordset($3::jsonb) AS d (channel text, subject text, body text)
    ON CONFLICT (application_id, stage, channel) DO NOTHING
    RETURNING channel
)
SELECT count(*) AS drafted FROM drafted
