-- The provider said this address cannot receive: switch the user's channel off with its words, unless the row is
-- newer than the send (a new address). $1 user id, $2 channel, $3 reason, $4 when the failed send was claimed
SELECT talvix.switch_channel_off($1, $2, $3, $4)
