-- Give back an action that did not happen (its cap slot and fleet unit), once. $1 action id
SELECT talvix.release_linkedin_member_action($1)
