-- Reserve one LinkedIn action of a user's account (and claim the note, if one is given): see
-- migration 032. $1 user id, $2 'profile_view' | 'connection' | 'message', $3 follow-up id or NULL
SELECT action_id, refused, limit_reached FROM talvix.reserve_linkedin_member_action($1, $2, $3)
