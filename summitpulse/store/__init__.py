"""The event store: tables, the engine for SQLite or PostgreSQL, writes, schema versions and the event clock."""
