"""Sign-in: sessions for the web (Flask-Login), bearer tokens for the API, throttling."""
