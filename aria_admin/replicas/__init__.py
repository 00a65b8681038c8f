"""Read replicas, the read/write split per request, and pinning to the primary.

- config: DATABASES entries for DATABASE_REPLICA_URLS and DATABASE_POOLER;
- context: what the current request may read from (one object per request);
- kinds: which views read a replica;
- status: each replica's health, lag and back-off, per process;
- router: the database router that applies all of the above;
- middleware: sets the request's context, pins a user who wrote.
"""
