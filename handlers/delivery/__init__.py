"""The channels notification_delivery sends through, one module each: whatsapp (Cloud API), telegram
(Bot API), smtp (email). `channels` holds what they share: the settings, the message, and how a send
fails (for now, for good, or with its outcome unknown)."""
