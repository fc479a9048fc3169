"""The journal's schema as versioned migrations, the same for every engine.

Version N means the same tables, columns, constraints and indexes on SQLite and on PostgreSQL; only
a few types are spelled per engine (``{id}``: the sale's number, given by the database; ``{int}``: a
64-bit integer), and changing a constraint (``{nominal_rule_v10}``: SQLite cannot alter one, it
rebuilds the table). History never changes: a migration that shipped is never edited, a new one is added.
"""

from __future__ import annotations

from collections.abc import Mapping

MIGRATIONS: tuple[str, ...] = (
    # 1: the sales table
    """
    CREATE TABLE sales (
        id           {id},
        day          TEXT    NOT NULL,
        created_at   TEXT    NOT NULL,
        expires_at   TEXT    NOT NULL,
        base         {int} NOT NULL CHECK (base > 0),
        code         {int} NOT NULL CHECK (code >= 0),
        nominal      {int} NOT NULL CHECK (nominal = base + code),
        payload      TEXT,
        source       TEXT    CHECK (source IN ('server', 'local')),
        state        TEXT    NOT NULL CHECK (state IN
                         ('generating', 'awaiting', 'paid', 'expired', 'cancelled', 'failed')),
        ended_at     TEXT,
        reason       TEXT,
        issuer_reff  TEXT    UNIQUE,
        paid_at      TEXT,
        paid_amount  {int},
        brand        TEXT,
        buyer_reff   TEXT,
        settled_at   TEXT,
        late         {int} NOT NULL DEFAULT 0,
        manual       {int} NOT NULL DEFAULT 0,
        UNIQUE (day, nominal)
    );
    CREATE INDEX sales_state ON sales (state);
    """,
    # 2: every mutasi entry ever seen, so any day's recap knows its unmatched money
    """
    CREATE TABLE payments (
        key         TEXT    PRIMARY KEY,
        day         TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        amount      {int} NOT NULL,
        type        TEXT    NOT NULL,
        brand       TEXT    NOT NULL,
        buyer_reff  TEXT    NOT NULL,
        issuer_reff TEXT    NOT NULL
    );
    CREATE INDEX payments_day ON payments (day);
    CREATE INDEX sales_day ON sales (day);
    """,
    # 3: what can still matter, by index: until when money for a sale may arrive (its nominal stays
    # reserved and late money still settles it), and when each claimed payment was made
    """
    ALTER TABLE sales ADD COLUMN late_until {int};
    ALTER TABLE sales ADD COLUMN paid_ts {int};
    CREATE INDEX sales_late_until ON sales (late_until);
    CREATE INDEX sales_paid_ts ON sales (paid_ts);
    """,
    # 4: one payment seen through two routes (the seed's reference, the history's id) is one payment:
    # the later view points at the first (same_as), claims go to the first, and the recap counts it
    # once; when each payment was made (ts to until_ts, the stamp's precision), by index
    """
    ALTER TABLE payments ADD COLUMN ts {int};
    ALTER TABLE payments ADD COLUMN until_ts {int};
    ALTER TABLE payments ADD COLUMN same_as TEXT;
    CREATE INDEX payments_ts ON payments (ts);
    CREATE INDEX payments_same_as ON payments (same_as);
    """,
    # 5: what could not be read of a payment (its date, its amount): its time is not invented
    """
    ALTER TABLE payments ADD COLUMN problem TEXT;
    """,
    # 6: when this PC first saw each payment, on its own clock: money seen and unclaimed keeps its
    # nominal from new sales whatever the server's stamp and the PC's clock say of each other
    """
    ALTER TABLE payments ADD COLUMN seen_ts {int};
    CREATE INDEX payments_seen ON payments (seen_ts);
    """,
    # 7: which till sold each sale (a shop with several tills shares one journal)
    """
    ALTER TABLE sales ADD COLUMN counter TEXT NOT NULL DEFAULT '';
    """,
    # 8: the selling till's clock against the server's (server minus PC, ms) when it sold: the till
    # that polls for the shop judges each sale's payments on its own till's clock, not its own
    """
    ALTER TABLE sales ADD COLUMN clock_offset_ms {int};
    """,
    # 9: whether a paid sale's receipt reached the paper (NULL never tried, 'printed', 'failed'): the first
    # receipt that does is the original, whenever it is printed; only later ones say SALINAN
    """
    ALTER TABLE sales ADD COLUMN receipt TEXT CHECK (receipt IN ('printed', 'failed'));
    ALTER TABLE sales ADD COLUMN receipt_at TEXT;
    """,
    # 10: which way each sale's kode unik went: 'add' (to the total, as every older sale did) or
    # 'subtract' (a discount the shop absorbs: Bank Indonesia forbids a surcharge on QRIS payers);
    # the nominal's rule follows it, so a receipt and a recap read each sale as it was sold
    """
    ALTER TABLE sales ADD COLUMN code_mode TEXT NOT NULL DEFAULT 'add' CHECK (code_mode IN ('add', 'subtract'));
    {nominal_rule_v10}
    """,
)

# The nominal a sale asks for, from version 10 on (version 1's rule was ``nominal = base + code``).
NOMINAL_RULE = "nominal > 0 AND nominal = CASE code_mode WHEN 'subtract' THEN base - code ELSE base + code END"

# PostgreSQL named version 1's rule after its table alone (it reads three columns), and swaps it in place.
POSTGRES_NOMINAL_RULE_V10 = f"""
    ALTER TABLE sales DROP CONSTRAINT sales_check;
    ALTER TABLE sales ADD CONSTRAINT sales_nominal_check CHECK ({NOMINAL_RULE})
"""

# SQLite cannot change a CHECK: the table is made again with version 9's columns in their order and
# the new rule (SQLite's documented way: create, copy, drop, rename, index), in the migration's
# transaction. The copy keeps every id, so the next sale's number follows the last one.
SQLITE_NOMINAL_RULE_V10 = f"""
    CREATE TABLE sales_v10 (
        id           INTEGER PRIMARY KEY,
        day          TEXT    NOT NULL,
        created_at   TEXT    NOT NULL,
        expires_at   TEXT    NOT NULL,
        base         INTEGER NOT NULL CHECK (base > 0),
        code         INTEGER NOT NULL CHECK (code >= 0),
        nominal      INTEGER NOT NULL CHECK ({NOMINAL_RULE}),
        payload      TEXT,
        source       TEXT    CHECK (source IN ('server', 'local')),
        state        TEXT    NOT NULL CHECK (state IN
                         ('generating', 'awaiting', 'paid', 'expired', 'cancelled', 'failed')),
        ended_at     TEXT,
        reason       TEXT,
        issuer_reff  TEXT    UNIQUE,
        paid_at      TEXT,
        paid_amount  INTEGER,
        brand        TEXT,
        buyer_reff   TEXT,
        settled_at   TEXT,
        late         INTEGER NOT NULL DEFAULT 0,
        manual       INTEGER NOT NULL DEFAULT 0,
        late_until   INTEGER,
        paid_ts      INTEGER,
        counter      TEXT    NOT NULL DEFAULT '',
        clock_offset_ms INTEGER,
        receipt      TEXT    CHECK (receipt IN ('printed', 'failed')),
        receipt_at   TEXT,
        code_mode    TEXT    NOT NULL DEFAULT 'add' CHECK (code_mode IN ('add', 'subtract')),
        UNIQUE (day, nominal)
    );
    INSERT INTO sales_v10 SELECT * FROM sales;
    DROP TABLE sales;
    ALTER TABLE sales_v10 RENAME TO sales;
    CREATE INDEX sales_state ON sales (state);
    CREATE INDEX sales_day ON sales (day);
    CREATE INDEX sales_late_until ON sales (late_until);
    CREATE INDEX sales_paid_ts ON sales (paid_ts)
"""


def statements(version: int, types: Mapping[str, str]) -> list[str]:
    """Migration ``version`` (1-based) as statements in an engine's spelling of the types."""
    script = MIGRATIONS[version - 1].format_map(types)
    return [statement.strip() for statement in script.split(";") if statement.strip()]
