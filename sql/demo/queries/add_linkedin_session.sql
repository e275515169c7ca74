-- The candidate's LinkedIn session, sealed as the gateway seals it (the demo's own key and the
-- LinkedIn stand-in's cookie). $1 the candidate, $2 ciphertext, $3 iv
INSERT INTO public.user_connections (user_id, platform, session_encrypted, session_iv, session_version, user_agent, viewport)
VALUES ($1, 'linkedin', $2, $3, 2, 'Mozilla/5.0 (X11; Linux x86_64) Talvix demo', '1366x768')
ON CONFLICT (user_id, platform) DO UPDATE SET session_encrypted = EXCLUDED.session_encrypted, session_iv = EXCLUDED.session_iv,
                                              session_version = 2, is_valid = true
