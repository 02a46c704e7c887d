"""Authentication (sessions, API tokens, CSRF) and authorisation (roles)."""
