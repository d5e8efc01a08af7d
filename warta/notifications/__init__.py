"""In-app notifications, also sent by email."""
