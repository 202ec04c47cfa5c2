"""The rules the PostgreSQL server keeps in the shared mode: groups, grants, row-level security, the
append-only trail and the server's own record of changes.

``apply`` is run by the database's owner (``db upgrade`` or the administrator's setup); it is
idempotent and versioned (``server_policy``). What each group may do follows the regulation:

* every person (``member``): connect, read the reference data, append to the audit trail in their
  own name, keep the program's caches (stored clocks, shown notifications);
* executor: see and change the incidents routed to their unit (and to the units they stand in for
  today, clause 8) — row-level security on the incident and everything that hangs on it;
* curator: register, route, approve and close every incident; keep the official pages;
* responsible official: decide on drafts the curator prepared (clause 8, 14);
* head: read;
* administrator: people, units, the reference lists, settings and the production calendar.

The audit trail: nobody but the owner may UPDATE or DELETE it; an event carries the session's role
(the server refuses another one) and the server transaction; a row change of an incident,
assignment, answer or user is written to ``row_change`` by a trigger whoever makes it, so a change
with no event in its transaction is found by ``audit verify``.
"""
from __future__ import annotations

import logging

from peewee import PostgresqlDatabase

from app.models.enums import Role
from app.services.server import names

log = logging.getLogger(__name__)

POLICY_VERSION = 12
#: the key of the transaction-level advisory lock that serialises appends to the chain
AUDIT_LOCK_KEY = 74_120_515

#: tables nobody but the owner reads (the readers of everything get ``row_change`` below; the sign-in
#: gate keeps its own table closed); every other table of the program is read by every person — a table
#: a later schema adds is read as soon as the owner's upgrade re-applies the rules
OWNER_ONLY_TABLES = ("user_password", "row_change")
#: the incident and what hangs on it: row-level security by the executor's units
INCIDENT_TABLES = ("incident", "assignment", "answer", "publication", "author_reply", "comment")
ANSWER_TABLES = ("attachment", "approval_decision")
PAGE_RECORD_TABLES = ("page_publication", "content_plan_item", "law_info_check", "moderation_entry",
                      "blacklist_entry", "verification_event", "page_subscription")
WRITES: dict[str, dict[str, str]] = {
    "member": {"audit_event": "INSERT", "row_change": "INSERT", "presence": "INSERT, UPDATE, DELETE",
               "live_event": "INSERT",
               "stored_clocks": "INSERT, UPDATE, DELETE", "notification_log": "INSERT, UPDATE, DELETE",
               **{t: "INSERT, UPDATE, DELETE" for t in PAGE_RECORD_TABLES}},
    Role.EXECUTOR.value: {"incident": "UPDATE", "assignment": "INSERT, UPDATE", "answer": "INSERT, UPDATE, DELETE",
                          "attachment": "INSERT, UPDATE, DELETE", "publication": "INSERT",
                          "author_reply": "INSERT", "comment": "INSERT"},
    Role.CURATOR.value: {**{t: "INSERT, UPDATE, DELETE" for t in INCIDENT_TABLES + ANSWER_TABLES},
                         "absence": "INSERT, UPDATE, DELETE", "official_page": "INSERT, UPDATE",
                         "page_publisher": "INSERT, UPDATE, DELETE"},
    Role.RESPONSIBLE.value: {"incident": "UPDATE", "assignment": "UPDATE", "answer": "UPDATE",
                             "approval_decision": "INSERT", "comment": "INSERT"},
    Role.HEAD.value: {},
    Role.ADMIN.value: {**{t: "INSERT, UPDATE, DELETE" for t in (
        "unit", '"user"', "absence", "topic_group", "topic", "location", "answer_template", "setting",
        "calendar_year", "calendar_day", "work_period", "page_publisher")}, "official_page": "INSERT, UPDATE"},
}
#: the index of the incidents' ``inc_units`` (the executor's row rule)
UNITS_INDEX = "incident_inc_units"
#: columns whose change is the program's own bookkeeping, not a change of the record
IGNORED_COLUMNS = {"incident": ("next_due_at", "next_due_code", "inc_units"),
                   "user": ("failed_logins", "locked_until"), "assignment": (), "answer": ()}


def installed_version(database: PostgresqlDatabase) -> int:
    """The version of the rules applied to this database (0: none — a database of an older program)."""
    row = database.execute_sql("SELECT to_regclass('server_policy') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    found = database.execute_sql("SELECT max(version) FROM server_policy").fetchone()
    return int(found[0] or 0)


def may_apply(database: PostgresqlDatabase) -> bool:
    """The session's role owns the tables and may create roles (the owner, or a superuser)."""
    row = database.execute_sql(
        "SELECT r.rolsuper OR (r.rolcreaterole AND pg_has_role(current_user, t.tableowner, 'USAGE')) "
        "FROM pg_roles r, pg_tables t WHERE r.rolname = current_user AND t.schemaname = current_schema() "
        "AND t.tablename = 'incident'").fetchone()
    return bool(row and row[0])


def apply(database: PostgresqlDatabase) -> None:
    """Create the groups and put every rule in place (idempotent; inside the caller's transaction)."""
    name = database.database
    for statement in _statements(name):
        database.execute_sql(statement.replace("%", "%%"))  # psycopg2 formats every statement
    refresh_incident_units(database)
    # after the first fill (built once, not row by row): the incident's id with its units, so a count of
    # a unit's incidents checks the rule without reading the rows (an index-only scan)
    database.execute_sql(f"CREATE INDEX IF NOT EXISTS {UNITS_INDEX} ON incident (id) INCLUDE (inc_units)")
    log.info("Правила сервера PostgreSQL применены к базе %s (версия %s)", name, POLICY_VERSION)


def refresh_incident_units(database: PostgresqlDatabase) -> int:
    """Recompute every incident's ``inc_units`` (the units it is routed to) from the assignments; returns
    how many incidents changed. The owner's session runs it: ``apply`` does, and so must whatever copies
    rows with the user triggers off (``db migrate-to``, a bulk load), which leaves the arrays behind —
    once the copy is done (inside its transaction or after it).

    Set-based: one pass over the assignments grouped by incident, and only the rows whose array differs
    are written (a second run changes nothing; on 1,000,000 incidents the first fill takes minutes, as an
    upgrade step may, a check seconds). The server's record of changes is off meanwhile: the column is
    the server's own bookkeeping (``IGNORED_COLUMNS``), and a million rows through that trigger would only
    make empty differences."""
    changed = 0
    with database.atomic():  # whatever happens, the triggers are back as they were
        # like an upgrade step, as long as it needs, then the session's limit again
        limit = database.execute_sql("SELECT current_setting('statement_timeout')").fetchone()[0]
        database.execute_sql("SELECT set_config('statement_timeout', '0', true)")
        # the record of changes and the guard of the column (it lets the owner pass anyway): off meanwhile,
        # those that are on as the rules make them
        on = [r[0] for r in database.execute_sql(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'incident'::regclass AND tgenabled = 'O' "
            "AND tgname IN ('inc_row_change', 'inc_units_guard') ORDER BY tgname").fetchall()]
        for trigger in on:
            database.execute_sql(f"ALTER TABLE incident DISABLE TRIGGER {trigger}")
        for statement in _REFRESH_UNITS:
            changed += max(database.execute_sql(statement).rowcount, 0)
        for trigger in on:
            database.execute_sql(f"ALTER TABLE incident ENABLE TRIGGER {trigger}")
        database.execute_sql("SELECT set_config('statement_timeout', %s, true)", (limit,))
    return changed


_REFRESH_UNITS = (
    "UPDATE incident i SET inc_units = a.units FROM (SELECT incident_id, array_agg(DISTINCT unit_id) AS units "
    "FROM assignment GROUP BY incident_id) a WHERE a.incident_id = i.id AND i.inc_units IS DISTINCT FROM a.units",
    "UPDATE incident i SET inc_units = '{}' WHERE i.inc_units <> '{}' "
    "AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.incident_id = i.id)",
)


def _q(identifier: str) -> str:
    return identifier if identifier.startswith('"') else '"' + identifier.replace('"', '""') + '"'


def _statements(database_name: str) -> list[str]:
    groups = {key: names.member_group(database_name) if key == "member" else names.group_role(database_name, key)
              for key in WRITES}
    member = groups["member"]
    readers = [groups[r.value] for r in (Role.CURATOR, Role.RESPONSIBLE, Role.HEAD, Role.ADMIN)]
    prefix = names.role_prefix(database_name)
    sql: list[str] = [
        "CREATE TABLE IF NOT EXISTS server_policy (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL "
        "DEFAULT now(), applied_by TEXT NOT NULL DEFAULT current_user)",
    ]
    for group in groups.values():
        sql.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN "
                   f"CREATE ROLE {_q(group)} NOLOGIN; END IF; END $$")
    # the database: only the people of this database connect; nobody else reads or writes
    sql += [
        f"REVOKE ALL ON DATABASE {_q(database_name)} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(database_name)} TO {_q(member)}",
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {_q(member)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_q(member)}",
    ]
    sql.append(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {_q(member)}")
    sql.append(f"REVOKE SELECT ON {', '.join(OWNER_ONLY_TABLES)} FROM {_q(member)}")
    sql.append(f"GRANT SELECT ON row_change TO {', '.join(_q(g) for g in readers)}")
    for key, tables in WRITES.items():
        for table, privileges in tables.items():
            sql.append(f"GRANT {privileges} ON {table} TO {_q(groups[key])}")
    # the program's own password check: a person replaces their own, an administrator anyone's;
    # nobody but the owner reads a hash
    admin = groups[Role.ADMIN.value]
    sql += [f"GRANT SELECT (user_id), INSERT, UPDATE ON user_password TO {_q(member)}",
            "ALTER TABLE user_password ENABLE ROW LEVEL SECURITY"]
    sql += _policy("user_password", "inc_own", "ALL", [member],
                   "user_id IN (SELECT id FROM \"user\" WHERE db_role = current_user)")
    sql += _policy("user_password", "inc_admin", "ALL", [admin], "true")
    sql += _functions(database_name, groups, prefix)
    sql += _sign_in_gate(database_name, member)
    sql += _incident_units(member)
    sql += _row_security(groups)
    sql += _trail(prefix)
    sql += _live(member)
    sql.append(f"INSERT INTO server_policy (version) VALUES ({POLICY_VERSION})")
    return sql


def _functions(database_name: str, groups: dict[str, str], prefix: str) -> list[str]:
    from app.services.settings import DEFAULT_TIMEZONE, TIMEZONE_KEY  # settings imports the trail, which imports this

    all_groups = ", ".join(f"'{g}'" for g in groups.values())
    admin = groups[Role.ADMIN.value]
    person_pattern = prefix.replace("_", "\\_") + "u\\_%"
    return [
        # the units whose incidents the session's person works on today: their own and those of the
        # colleagues they stand in for (clause 8) — the program's ``Actor.unit_ids``, on the server
        # today in the administration's time zone (the setting every PC counts its clocks in)
        #
        # These functions are PL/pgSQL, not SQL: the server keeps a PL/pgSQL function's query plans for the
        # whole session, while a SQL function that cannot be inlined (these cannot: they read tables, pin
        # the search path or run as the owner) is planned anew in every statement that calls it — about
        # half a millisecond in each statement of an executor, twice in an UPDATE (rules of version 12)
        "CREATE OR REPLACE FUNCTION inc_today() RETURNS date LANGUAGE plpgsql STABLE "
        "SET search_path = public, pg_temp AS $$ BEGIN RETURN (now() AT TIME ZONE coalesce("
        f"(SELECT value::json #>> '{{}}' FROM setting WHERE key = '{TIMEZONE_KEY}'), '{DEFAULT_TIMEZONE}'))::date;"
        " END $$",
        "CREATE OR REPLACE FUNCTION inc_my_units() RETURNS integer[] LANGUAGE plpgsql STABLE "
        "SET search_path = public, pg_temp AS $$ DECLARE today date := inc_today(); units integer[]; BEGIN "
        "SELECT coalesce(array_agg(DISTINCT unit_id), '{}') INTO units FROM ("
        " SELECT u.unit_id FROM \"user\" u WHERE u.db_role = current_user AND u.is_active AND u.unit_id IS NOT NULL"
        " UNION SELECT away.unit_id FROM absence ab JOIN \"user\" me ON me.id = ab.deputy_id"
        " JOIN \"user\" away ON away.id = ab.user_id WHERE me.db_role = current_user AND me.is_active"
        " AND away.unit_id IS NOT NULL AND ab.starts_on <= today AND ab.ends_on >= today) mine;"
        " RETURN units; END $$",
        # rules of version 9 and older listed every incident routed to any unit for anyone who asked
        "DROP FUNCTION IF EXISTS inc_incidents_of(integer[])",
        # the chain's newest hash, whoever asks: an executor reads only the events of their own incidents,
        # but appends after the newest event of all
        "CREATE OR REPLACE FUNCTION inc_chain_head() RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER "
        "SET search_path = public, pg_temp AS $$ BEGIN "
        "RETURN (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1); END $$",
        "CREATE OR REPLACE FUNCTION inc_my_pages() RETURNS SETOF integer LANGUAGE plpgsql STABLE "
        "SET search_path = public, pg_temp AS $$ BEGIN RETURN QUERY "
        "SELECT p.page_id FROM page_publisher p JOIN \"user\" u ON u.id = p.user_id WHERE u.db_role = current_user "
        "UNION SELECT o.id FROM official_page o JOIN \"user\" u ON u.id = o.responsible_id "
        "WHERE u.db_role = current_user; END $$",
        # a person's role: created, given a password (a SCRAM verifier made by the client), put in
        # exactly the groups of their regulation roles, switched on or off (sessions ended)
        "CREATE OR REPLACE FUNCTION inc_person_sync(p_role text, p_verifier text, p_groups text[], p_active boolean) "
        "RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        "DECLARE g text; allowed boolean; BEGIN "
        " SELECT r.rolsuper OR pg_has_role(session_user, t.tableowner, 'USAGE') "
        f"  OR pg_has_role(session_user, '{admin}', 'MEMBER') INTO allowed "
        "  FROM pg_roles r, pg_tables t WHERE r.rolname = session_user AND t.schemaname = 'public' "
        "  AND t.tablename = 'incident';"
        " IF NOT coalesce(allowed, false) THEN RAISE EXCEPTION "
        "  'inc: only an administrator manages the people of this database' USING ERRCODE = '42501'; END IF;"
        f" IF p_role NOT LIKE '{person_pattern}' THEN RAISE EXCEPTION "
        "  'inc: % is not a person of this database', p_role USING ERRCODE = '42501'; END IF;"
        " IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN "
        "  EXECUTE format('CREATE ROLE %I NOLOGIN', p_role); END IF;"
        " IF p_verifier IS NOT NULL THEN EXECUTE format('ALTER ROLE %I PASSWORD %L', p_role, p_verifier); END IF;"
        f" FOREACH g IN ARRAY ARRAY[{all_groups}] LOOP"
        f"  IF g = '{groups['member']}' OR g = ANY(p_groups) THEN EXECUTE format('GRANT %I TO %I', g, p_role);"
        "   ELSIF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid"
        "    JOIN pg_roles pr ON pr.oid = m.member WHERE gr.rolname = g AND pr.rolname = p_role) THEN"
        "    EXECUTE format('REVOKE %I FROM %I', g, p_role); END IF;"
        " END LOOP;"
        " IF p_active THEN EXECUTE format('ALTER ROLE %I LOGIN', p_role);"
        " ELSE EXECUTE format('ALTER ROLE %I NOLOGIN', p_role);"
        "  BEGIN PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = p_role;"
        "  EXCEPTION WHEN insufficient_privilege THEN"
        "   RAISE WARNING 'inc: sessions of % not ended (the owner needs pg_signal_backend)', p_role; END;"
        " END IF; END $$",
        "REVOKE ALL ON FUNCTION inc_person_sync(text, text, text[], boolean) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION inc_person_sync(text, text, text[], boolean) TO {_q(admin)}",
        "REVOKE ALL ON FUNCTION inc_chain_head() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION inc_today(), inc_my_units(), inc_my_pages(), "
        "inc_chain_head() "
        f"TO {_q(groups['member'])}",
    ]


#: attempts per login before the pause, and the pause — as in the single-PC mode (``users``)
GATE_ATTEMPTS = 5
GATE_PAUSE_S = 60


def _sign_in_gate(database_name: str, member: str) -> list[str]:
    """Sign-in attempts counted per login on the server, whichever PC asks: before a person's sign-in the
    program connects as the gate role (it may call one function and nothing else) and counts the attempt;
    a successful sign-in forgets the count. Unknown logins are counted the same way."""
    gate = names.gate_role(database_name)
    return [
        "CREATE TABLE IF NOT EXISTS signin_attempt (login_key TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, "
        "paused_until TIMESTAMPTZ)",
        f"REVOKE ALL ON signin_attempt FROM PUBLIC, {_q(member)}",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{gate}') THEN "
        f"CREATE ROLE {_q(gate)} LOGIN; END IF; END $$",
        f"ALTER ROLE {_q(gate)} LOGIN PASSWORD '{names.GATE_PASSWORD}'",
        f"GRANT CONNECT ON DATABASE {_q(database_name)} TO {_q(gate)}",
        f"GRANT USAGE ON SCHEMA public TO {_q(gate)}",
        "CREATE OR REPLACE FUNCTION inc_signin_begin(p_login text) RETURNS integer LANGUAGE plpgsql "
        "SECURITY DEFINER SET search_path = public, pg_temp AS $$ DECLARE row signin_attempt; BEGIN "
        " INSERT INTO signin_attempt (login_key) VALUES (lower(p_login)) ON CONFLICT DO NOTHING;"
        " SELECT * INTO row FROM signin_attempt WHERE login_key = lower(p_login) FOR UPDATE;"
        " IF row.paused_until > now() THEN"
        "  RETURN greatest(1, ceil(extract(epoch FROM row.paused_until - now()))::integer); END IF;"
        f" IF row.failures + 1 > {GATE_ATTEMPTS} THEN"
        f"  UPDATE signin_attempt SET failures = 0, paused_until = now() + interval '{GATE_PAUSE_S} seconds'"
        f"   WHERE login_key = lower(p_login); RETURN {GATE_PAUSE_S}; END IF;"
        " UPDATE signin_attempt SET failures = failures + 1 WHERE login_key = lower(p_login); RETURN 0; END $$",
        "CREATE OR REPLACE FUNCTION inc_signin_ok() RETURNS void LANGUAGE sql SECURITY DEFINER "
        "SET search_path = public, pg_temp AS $$ "
        "DELETE FROM signin_attempt WHERE login_key = (SELECT lower(login) FROM \"user\" WHERE db_role = session_user) $$",
        "REVOKE ALL ON FUNCTION inc_signin_begin(text), inc_signin_ok() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION inc_signin_begin(text) TO {_q(gate)}",
        f"GRANT EXECUTE ON FUNCTION inc_signin_ok() TO {_q(member)}",
    ]


def _incident_units(member: str) -> list[str]:
    """``incident.inc_units``: the units the incident is routed to (every assignment, whatever its state),
    a column of the server only (the program's models do not have it; SQLite never does). The executor's
    row rule on the incident reads it from the row itself instead of probing the assignments of each row.

    A trigger on ``assignment`` keeps it: a row added, removed or moved to another unit or incident has
    its incidents' arrays recomputed, as the owner (the person who routes may not write the column, and
    the owner's view of the assignments is all of them). The incident's row is locked before the
    recount, which then runs as a statement of its own: of two transactions routing one incident at
    once, the second to take the lock counts the first's committed assignment too."""
    return [
        "ALTER TABLE incident ADD COLUMN IF NOT EXISTS inc_units integer[] NOT NULL DEFAULT '{}'",
        "CREATE OR REPLACE FUNCTION inc_incident_units() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        "SET search_path = public, pg_temp AS $$ DECLARE ids integer[]; one integer; BEGIN "
        " IF TG_OP = 'INSERT' THEN ids := ARRAY[NEW.incident_id];"
        " ELSIF TG_OP = 'DELETE' THEN ids := ARRAY[OLD.incident_id];"
        " ELSIF OLD.incident_id = NEW.incident_id THEN"
        "  IF OLD.unit_id = NEW.unit_id THEN RETURN NULL; END IF; ids := ARRAY[NEW.incident_id];"
        " ELSE ids := ARRAY[OLD.incident_id, NEW.incident_id]; END IF;"
        " FOREACH one IN ARRAY ids LOOP"
        "  PERFORM 1 FROM incident WHERE id = one FOR UPDATE;"
        "  UPDATE incident SET inc_units = u.units FROM (SELECT coalesce(array_agg(DISTINCT unit_id), '{}') AS units"
        "   FROM assignment WHERE incident_id = one) u WHERE id = one AND inc_units IS DISTINCT FROM u.units;"
        " END LOOP; RETURN NULL; END $$",
        "REVOKE ALL ON FUNCTION inc_incident_units() FROM PUBLIC",
        "DROP TRIGGER IF EXISTS inc_incident_units ON assignment",
        "CREATE TRIGGER inc_incident_units AFTER INSERT OR DELETE OR UPDATE OF unit_id, incident_id ON assignment "
        "FOR EACH ROW EXECUTE FUNCTION inc_incident_units()",
        # the column says who sees the incident: only the owner writes it (the trigger above, the refresh).
        # Whoever else may change the incident's row may not change it (the executor would show their
        # incident to another unit, or hide a shared one from it)
        "CREATE OR REPLACE FUNCTION inc_units_guard() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path = public, pg_temp AS $$ BEGIN "
        " IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN"
        "  RAISE EXCEPTION 'inc: the units of an incident follow its assignments, they are not written'"
        "   USING ERRCODE = '42501'; END IF;"
        " RETURN NEW; END $$",
        "DROP TRIGGER IF EXISTS inc_units_guard ON incident",
        "CREATE TRIGGER inc_units_guard BEFORE UPDATE OF inc_units ON incident FOR EACH ROW "
        "WHEN (NEW.inc_units IS DISTINCT FROM OLD.inc_units) EXECUTE FUNCTION inc_units_guard()",
        "DROP TRIGGER IF EXISTS inc_units_guard_new ON incident",
        "CREATE TRIGGER inc_units_guard_new BEFORE INSERT ON incident FOR EACH ROW "
        "WHEN (NEW.inc_units <> '{}') EXECUTE FUNCTION inc_units_guard()",
        # whether an incident is routed to one of the units, whoever asks (the assignment rule: another unit's
        # assignment on a shared incident); a function of its own, not a sub-query of the rule, so the
        # planner does not price a hashed read of every incident into each read of the assignments
        "CREATE OR REPLACE FUNCTION inc_routed_to(p_incident integer, p_units integer[]) RETURNS boolean "
        "LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public, pg_temp AS $$ BEGIN "
        "RETURN EXISTS (SELECT 1 FROM incident WHERE id = p_incident AND inc_units && p_units); END $$",
        "REVOKE ALL ON FUNCTION inc_routed_to(integer, integer[]) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION inc_routed_to(integer, integer[]) TO {_q(member)}",
    ]


def _policy(table: str, name: str, command: str, groups: list[str], using: str) -> list[str]:
    to = ", ".join(_q(g) for g in groups)
    text = f"CREATE POLICY {name} ON {table} FOR {command} TO {to} USING ({using})"
    if command in ("ALL", "UPDATE"):
        text += f" WITH CHECK ({using})"
    return [f"DROP POLICY IF EXISTS {name} ON {table}", text]


def _row_security(groups: dict[str, str]) -> list[str]:
    curator, executor = groups[Role.CURATOR.value], groups[Role.EXECUTOR.value]
    responsible = groups[Role.RESPONSIBLE.value]
    readers = [groups[r.value] for r in (Role.CURATOR, Role.RESPONSIBLE, Role.HEAD, Role.ADMIN)]
    # the person's units once per statement (an init-plan). An incident passes by its own row: the units
    # it is routed to (``inc_units``, kept by the server: ``_incident_units``) meet the person's — no
    # look-up per row. ``coalesce(…, false)`` changes no answer (neither side is ever NULL) but the
    # planner's guess: an overlap with a value known only when the statement runs is taken for 0.5 % of
    # the rows, and the planner then read and sorted all the unit's incidents instead of walking the
    # deadline index to the first page; a test it does not know is taken for half of them.
    # A row hanging on an incident passes by one probe of the (incident, unit) index of the assignments;
    # an assignment row of their own unit without a look-up, another unit's assignment on a shared
    # incident (a consolidated answer) by its incident's row, read as the owner (``inc_routed_to``)
    units = "(SELECT inc_my_units())::integer[]"

    def routed(column: str) -> str:
        return f"EXISTS (SELECT 1 FROM assignment r WHERE r.incident_id = {column} AND r.unit_id = ANY({units}))"

    rules = {
        "incident": f"coalesce(incident.inc_units && {units}, false)",
        "assignment": f"unit_id = ANY({units}) OR inc_routed_to(incident_id, {units})",
    }
    sql: list[str] = []
    for table in INCIDENT_TABLES + ANSWER_TABLES:
        sql.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        own = rules.get(table) or (routed(f"{table}.incident_id") if table in INCIDENT_TABLES
                                   else f"EXISTS (SELECT 1 FROM answer x WHERE x.id = {table}.answer_id)")
        sql += _policy(table, "inc_read_all", "SELECT", readers, "true")
        sql += _policy(table, "inc_curator", "ALL", [curator], "true")
        # the responsible official decides on every incident: rows are not limited, the grants
        # above say which statements (an UPDATE of a draft, an INSERT of a decision or a comment)
        sql += _policy(table, "inc_responsible", "ALL", [responsible], "true")
        sql.append(f"DROP POLICY IF EXISTS inc_responsible_decides ON {table}")
        sql += _policy(table, "inc_executor", "ALL", [executor], own)
    # the trail: everybody appends (the trigger checks the name and the place in the chain); the readers of
    # everything read it all, an executor the events of their incidents and those of no incident
    sql += ["ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY",
            "DROP POLICY IF EXISTS inc_append ON audit_event",
            f"CREATE POLICY inc_append ON audit_event FOR INSERT TO {_q(groups['member'])} WITH CHECK (true)"]
    sql += _policy("audit_event", "inc_read_all", "SELECT", readers, "true")
    sql += _policy("audit_event", "inc_executor", "SELECT", [executor],
                   f"audit_event.incident_id IS NULL OR {routed('audit_event.incident_id')}")
    for table in PAGE_RECORD_TABLES:
        sql.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        sql += _policy(table, "inc_read_all", "SELECT", [groups["member"]], "true")
        sql += _policy(table, "inc_registry", "ALL", [curator, groups[Role.ADMIN.value]], "true")
        sql += _policy(table, "inc_page_people", "ALL", [groups["member"]], "page_id IN (SELECT inc_my_pages())")
    return sql


def _trail(prefix: str) -> list[str]:
    person_pattern = prefix.replace("_", "\\_") + "u\\_%"
    sql = [
        # an event is appended in the name of its own session, after the newest one, one at a time
        "CREATE OR REPLACE FUNCTION inc_audit_append() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path = public, pg_temp AS $$ DECLARE last_hash text; me integer; BEGIN "
        f" PERFORM pg_advisory_xact_lock({AUDIT_LOCK_KEY});"
        " IF NEW.db_role IS DISTINCT FROM current_user::text THEN RAISE EXCEPTION "
        "  'inc: an event is appended only in the name of its own session (% is not %)', NEW.db_role, current_user "
        "  USING ERRCODE = '42501'; END IF;"
        f" IF current_user::text LIKE '{person_pattern}' AND NEW.actor_id IS NOT NULL THEN"
        "  SELECT id INTO me FROM \"user\" WHERE db_role = current_user AND is_active;"
        "  IF me IS NULL OR NEW.actor_id <> me THEN RAISE EXCEPTION "
        "   'inc: the actor of an event is the signed-in person' USING ERRCODE = '42501'; END IF;"
        " END IF;"
        " last_hash := inc_chain_head();"
        " IF coalesce(last_hash, '') <> NEW.prev_hash THEN RAISE EXCEPTION "
        "  'inc: the event does not follow the newest one of the chain' USING ERRCODE = '40001'; END IF;"
        " NEW.txid := txid_current(); RETURN NEW; END $$",
        "DROP TRIGGER IF EXISTS inc_audit_append ON audit_event",
        "CREATE TRIGGER inc_audit_append BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION inc_audit_append()",
        # the server's record of a change: who (the session's role) and in which transaction
        "CREATE OR REPLACE FUNCTION inc_row_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        " NEW.db_role := current_user; NEW.txid := txid_current(); NEW.at := now() AT TIME ZONE 'UTC'; "
        " RETURN NEW; END $$",
        "DROP TRIGGER IF EXISTS inc_row_change_stamp ON row_change",
        "CREATE TRIGGER inc_row_change_stamp BEFORE INSERT ON row_change FOR EACH ROW "
        "EXECUTE FUNCTION inc_row_change_stamp()",
        "CREATE OR REPLACE FUNCTION inc_row_change() RETURNS trigger LANGUAGE plpgsql "
        "SET search_path = public, pg_temp AS $$ "
        "DECLARE before jsonb; after jsonb; diff jsonb; row_id integer; BEGIN "
        " IF TG_OP = 'INSERT' THEN before := '{}'; after := to_jsonb(NEW); row_id := NEW.id;"
        " ELSIF TG_OP = 'DELETE' THEN before := to_jsonb(OLD); after := '{}'; row_id := OLD.id;"
        " ELSE before := to_jsonb(OLD); after := to_jsonb(NEW); row_id := NEW.id; END IF;"
        " SELECT coalesce(jsonb_object_agg(e.key, CASE WHEN e.key = 'password_hash' THEN to_jsonb('***'::text)"
        "   WHEN jsonb_typeof(e.value) = 'string' AND length(e.value #>> '{}') > 120"
        "   THEN to_jsonb(left(e.value #>> '{}', 120) || '…') ELSE e.value END), '{}') INTO diff"
        "  FROM jsonb_each(CASE WHEN TG_OP = 'DELETE' THEN before ELSE after END) e"
        "  WHERE NOT (e.key = ANY(TG_ARGV)) AND (TG_OP <> 'UPDATE' OR e.value IS DISTINCT FROM before -> e.key);"
        " IF TG_OP = 'UPDATE' AND diff = '{}'::jsonb THEN RETURN NULL; END IF;"
        " INSERT INTO row_change (db_role, txid, table_name, row_id, operation, changed)"
        "  VALUES (current_user, txid_current(), TG_TABLE_NAME, row_id, TG_OP, diff::text);"
        " RETURN NULL; END $$",
    ]
    for table, ignored in IGNORED_COLUMNS.items():
        quoted = _q(table)
        args = ", ".join(f"'{c}'" for c in ignored)
        sql += [f"DROP TRIGGER IF EXISTS inc_row_change ON {quoted}",
                f"CREATE TRIGGER inc_row_change AFTER INSERT OR UPDATE OR DELETE ON {quoted} FOR EACH ROW "
                f"EXECUTE FUNCTION inc_row_change({args})"]
    return sql


#: the channel on which the server tells every open program that something changed (``app.services.live``)
LIVE_CHANNEL = "inc_live"


def _live(member: str) -> list[str]:
    """Presence and the events of actions: each person writes their own presence and reads everyone's;
    an action's events are read only by those who may see its incident (the incident's own rules apply
    inside the check). Any change of the trail, the events or the presence wakes the open programs
    (NOTIFY is sent when the transaction commits, never for a rolled-back one)."""
    own = 'user_id IN (SELECT id FROM "user" WHERE db_role = current_user)'
    sql = ["ALTER TABLE presence ENABLE ROW LEVEL SECURITY",
           "ALTER TABLE live_event ENABLE ROW LEVEL SECURITY"]
    sql += _policy("presence", "inc_read_all", "SELECT", [member], "true")
    sql += _policy("presence", "inc_own", "ALL", [member], own)
    sql += _policy("live_event", "inc_seen", "SELECT", [member],
                   "EXISTS (SELECT 1 FROM incident i WHERE i.id = live_event.incident_id)")
    sql += ["DROP POLICY IF EXISTS inc_send ON live_event",
            f"CREATE POLICY inc_send ON live_event FOR INSERT TO {_q(member)} WITH CHECK (true)",
            "CREATE OR REPLACE FUNCTION inc_live_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f" PERFORM pg_notify('{LIVE_CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$"]
    for table in ("audit_event", "live_event"):
        sql += [f"DROP TRIGGER IF EXISTS inc_live_notify ON {table}",
                f"CREATE TRIGGER inc_live_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION inc_live_notify()"]
    # presence: a program arriving, leaving or moving to another card wakes the others — its heartbeat,
    # every few seconds from every PC, does not (the others look at the presence on their own heartbeat)
    sql += ["DROP TRIGGER IF EXISTS inc_live_notify ON presence",
            "DROP TRIGGER IF EXISTS inc_live_notify_moved ON presence",
            "CREATE TRIGGER inc_live_notify AFTER INSERT OR DELETE ON presence "
            "FOR EACH ROW EXECUTE FUNCTION inc_live_notify()",
            "CREATE TRIGGER inc_live_notify_moved AFTER UPDATE ON presence FOR EACH ROW "
            "WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id OR OLD.editing IS DISTINCT FROM NEW.editing) "
            "EXECUTE FUNCTION inc_live_notify()"]
    return sql
