"""In-app notices and e-mail through an outbox."""
