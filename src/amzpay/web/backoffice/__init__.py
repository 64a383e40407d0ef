"""The back office: server-rendered pages for staff (session cookie, CSRF on every form)."""
