"""Every email and text the portal sends: one path (``message_send``), one record per message."""
