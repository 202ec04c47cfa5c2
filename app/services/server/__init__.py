"""The shared PostgreSQL mode: each person's own server role, the rights the server enforces, the
server's own record of changes (see ``docs/deploy.md``)."""
