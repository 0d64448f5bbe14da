"""What the event is: its validated config, and the secrets that never go in it."""
