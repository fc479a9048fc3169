"""Rekap harian: one WIB day of sales and incoming money, summed for the shop owner.

Built only from the journal (sales and the mutasi entries the app has seen), so a past day's
recap needs no network and reads the same every time it is opened.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kasir import wib
from kasir.journal import Journal, Sale
from kasir.money import format_rupiah
from kasir.orkut.types import MutasiEntry
from kasir.sale_state import SaleState

# Indonesian spreadsheets use the comma as decimal mark and the semicolon as list separator.
CSV_DELIMITER = ";"
CSV_HEADER = (
    "jenis",
    "no",
    "dibuat",
    "status",
    "total",
    "kode_unik",
    "nominal",
    "dibayar",
    "waktu_bayar",
    "dompet",
    "pembeli",
    "referensi",
    "terlambat",
    "manual",
    "keterangan",
    "kasir",
)


@dataclass(frozen=True)
class Bucket:
    count: int = 0
    total: int = 0

    def add(self, amount: int) -> Bucket:
        return Bucket(self.count + 1, self.total + amount)


@dataclass(frozen=True)
class DayRecap:
    day: date
    sales: tuple[Sale, ...]
    unmatched: tuple[MutasiEntry, ...]
    paid: Bucket = Bucket()
    late: Bucket = Bucket()
    manual: Bucket = Bucket()
    discounts: Bucket = Bucket()  # kode unik taken off paid sales' totals: what the shop absorbed
    unmatched_in: Bucket = Bucket()
    by_brand: dict[str, Bucket] = field(default_factory=dict)
    # By the WIB day and hour the money came: a sale of this day may be paid after midnight.
    by_hour: dict[tuple[date, int], Bucket] = field(default_factory=dict)
    state_counts: dict[SaleState, int] = field(default_factory=dict)
    paid_time_unknown: frozenset[int] = frozenset()  # sales paid by money whose date could not be read
    # A shop of several tills: paid per till, every till that sold this day, and the one chosen ("" = all).
    by_counter: dict[str, Bucket] = field(default_factory=dict)
    counters: tuple[str, ...] = ()
    counter: str = ""
    # Paid sales whose receipt never reached the paper, once the day printed any (a shop with a printer).
    receipts_missing: int | None = None

    def count(self, state: SaleState) -> int:
        return self.state_counts.get(state, 0)


UNKNOWN_TIME = "waktu tidak diketahui"


def paid_time_unknown(sales: Iterable[Sale], payments: Iterable[MutasiEntry]) -> frozenset[int]:
    """The paid sales settled (by hand) with money whose date could not be read: their ``paid_at``
    is only when the app saw that money, never a time to print as when it was paid."""
    unreadable = {p.key for p in payments if p.date_unknown}
    return frozenset(s.id for s in sales if s.state is SaleState.PAID and s.issuer_reff in unreadable)


def _paid_amount(sale: Sale) -> int:
    return sale.paid_amount if sale.paid_amount is not None else sale.nominal


def build(
    day: date,
    sales: Sequence[Sale],
    payments: Sequence[MutasiEntry],
    claimed_elsewhere: Collection[str] = (),
    counter: str = "",
) -> DayRecap:
    """The day's recap; ``counter``: one till's sales only (the money without a sale is the shop's:
    no till can be told from it, so it stays in every till's recap)."""
    counters = tuple(sorted({s.counter for s in sales if s.counter}))
    claimed = {s.issuer_reff for s in sales if s.issuer_reff} | set(claimed_elsewhere)
    if counter:
        sales = [s for s in sales if s.counter == counter]
    paid = late = manual = discounts = Bucket()
    by_counter: dict[str, Bucket] = {}
    by_brand: dict[str, Bucket] = {}
    by_hour: dict[tuple[date, int], Bucket] = {}
    states: dict[SaleState, int] = {}
    unknown = paid_time_unknown(sales, payments)
    for sale in sales:
        states[sale.state] = states.get(sale.state, 0) + 1
        if sale.state is not SaleState.PAID:
            continue
        amount = _paid_amount(sale)
        paid = paid.add(amount)
        late = late.add(amount) if sale.late else late
        manual = manual.add(amount) if sale.manual else manual
        discounts = discounts.add(sale.code) if sale.discounted else discounts
        brand = sale.brand or "Lainnya"
        by_brand[brand] = by_brand.get(brand, Bucket()).add(amount)
        by_counter[sale.counter] = by_counter.get(sale.counter, Bucket()).add(amount)
        moment = (sale.created_at if sale.id in unknown else sale.paid_at or sale.created_at).astimezone(wib.WIB)
        hour = (moment.date(), moment.hour)
        by_hour[hour] = by_hour.get(hour, Bucket()).add(amount)
    # Money that settled a sale of another day (made 23:58, paid 00:01) is not "without a sale".
    unmatched = tuple(p for p in payments if p.is_incoming and p.key not in claimed)
    unmatched_in = Bucket(len(unmatched), sum(p.amount for p in unmatched))
    return DayRecap(
        day=day,
        sales=tuple(sales),
        unmatched=unmatched,
        paid=paid,
        late=late,
        manual=manual,
        discounts=discounts,
        unmatched_in=unmatched_in,
        by_brand=dict(sorted(by_brand.items(), key=lambda kv: -kv[1].total)),
        by_hour=dict(sorted(by_hour.items())),
        state_counts=states,
        paid_time_unknown=unknown,
        by_counter=dict(sorted(by_counter.items())),
        counters=counters,
        counter=counter,
        receipts_missing=_receipts_missing(sales),
    )


def _receipts_missing(sales: Sequence[Sale]) -> int | None:
    """None for a day that printed no receipt at all (no printer): nothing to say then."""
    paid = [s for s in sales if s.state is SaleState.PAID]
    if not any(s.receipt is not None for s in paid):
        return None
    return sum(s.receipt != "printed" for s in paid)


@dataclass(frozen=True)
class Shown:
    """A day's recap and its page, built together off the GUI thread."""

    recap: DayRecap
    title: str
    lines: tuple[Line, ...]


def build_shown(open_journal: Callable[[], Journal], day: date, shop_name: str, counter: str = "") -> Shown:
    """For a worker thread: its own read-only connection (``open_journal``: the journal's
    :meth:`~kasir.journal.Journal.reader`), the recap once, and its page."""
    journal = open_journal()
    try:
        day_recap = for_day(journal, day, counter)
    finally:
        journal.close()
    return Shown(day_recap, title(day_recap, shop_name), page(day_recap))


def for_day(journal: Journal, day: date, counter: str = "") -> DayRecap:
    payments = journal.payments_on(day)
    return build(day, journal.sales_on(day), payments, journal.claimed_among(p.key for p in payments), counter)


# ---- CSV ---------------------------------------------------------------------------


def _time(moment: object) -> str:
    return wib.format_wib(moment) if moment is not None else ""  # type: ignore[arg-type]


def iter_csv_rows(recap: DayRecap) -> Iterator[list[str]]:
    """The CSV's rows one at a time: a busy day's 10,000 rows are never all alive at once."""
    yield list(CSV_HEADER)
    for sale in recap.sales:
        yield (
            [
                "penjualan",
                str(sale.id),
                _time(sale.created_at),
                sale.state.word,
                str(sale.base),
                str(-sale.code if sale.discounted else sale.code),  # total + kode_unik = nominal, always
                str(sale.nominal),
                str(_paid_amount(sale)) if sale.state is SaleState.PAID else "",
                UNKNOWN_TIME if sale.id in recap.paid_time_unknown else _time(sale.paid_at),
                sale.brand or "",
                sale.buyer_reff or "",
                sale.issuer_reff or "",
                "ya" if sale.late else "",
                "ya" if sale.manual else "",
                sale.reason or "",
                sale.counter,
            ]
        )
    for entry in recap.unmatched:
        yield (
            [
                "tidak cocok",
                "",
                "",
                "",
                "",
                "",
                "",
                str(entry.amount),
                "" if entry.date_unknown else _time(entry.date),
                entry.brand_name,
                entry.buyer_reff,
                entry.issuer_reff,
                "",
                "",
                "uang masuk tanpa penjualan",
                "",
            ]
        )


# A cell a spreadsheet reads as a formula (OWASP "CSV injection"): brand and buyer names come from
# the server. Such a cell gets a leading apostrophe, which Excel and LibreOffice show as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A negative whole number (a kode unik given as a discount) is a number, not a formula: kept summable.
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+")


def _cell(value: str) -> str:
    if value.startswith(_FORMULA_STARTS) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(recap: DayRecap, path: Path) -> None:
    """UTF-8 with a byte-order mark, so Excel shows names with accents correctly.

    Rows are formatted one at a time (a busy day's rows held at once as lists made the interpreter
    collect its whole heap, a year-old app's, tens of ms) into one string, written in one call. A
    write every 8 KB, as a file object does, releases the interpreter for a moment each time and
    takes it straight back; the GUI thread waiting for it never got it (CPython counts each release
    as a switch, so it never asks the worker to yield): 80-100 ms GUI stalls per export, measured."""
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=CSV_DELIMITER).writerows([_cell(c) for c in row] for row in iter_csv_rows(recap))
    _write_whole(path, text.getvalue().encode("utf-8-sig"))


def _write_whole(path: Path, data: bytes) -> None:
    """``data`` to ``path`` in as few writes as the OS allows, through a temporary file."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    tmp.replace(path)


# ---- the page: on screen as rows, printed as HTML ------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Line:
    """One row of the on-screen page: a section's title, its column heads, a row, or "none"."""

    kind: str  # "section", "head", "row" or "none"
    cells: tuple[str, ...]


NOTHING = "Tidak ada."


def title(recap: DayRecap, shop_name: str = "") -> str:
    till = f" — {recap.counter}" if recap.counter else ""
    return f"Rekap harian {shop_name} — {recap.day.strftime('%d-%m-%Y')}{till}"


def sections(recap: DayRecap) -> list[Section]:
    summary = (
        ("Penjualan lunas", f"{recap.paid.count} transaksi", format_rupiah(recap.paid.total)),
        ("↳ di antaranya terlambat", f"{recap.late.count}", format_rupiah(recap.late.total)),
        ("↳ di antaranya dihubungkan manual", f"{recap.manual.count}", format_rupiah(recap.manual.total)),
        *(
            [
                (
                    "↳ potongan kode unik (ditanggung toko)",
                    f"{recap.discounts.count}",
                    format_rupiah(-recap.discounts.total),
                )
            ]
            if recap.discounts.count
            else []
        ),
        ("Uang masuk tanpa penjualan", f"{recap.unmatched_in.count}", format_rupiah(recap.unmatched_in.total)),
        *(
            (state.label, str(recap.count(state)), "")
            for state in (SaleState.EXPIRED, SaleState.CANCELLED, SaleState.FAILED)
        ),
        *(
            [("Lunas tanpa struk tercetak", str(recap.receipts_missing), "")]
            if recap.receipts_missing is not None
            else []
        ),
    )
    per_till = (
        [
            Section(
                "Per kasir",
                ("Kasir", "Jumlah", "Nilai"),
                tuple((c or "(tanpa nama)", str(v.count), format_rupiah(v.total)) for c, v in recap.by_counter.items()),
            )
        ]
        if len(recap.counters) > 1 and not recap.counter
        else []
    )
    return [
        Section("Ringkasan", ("", "Jumlah", "Nilai"), summary),
        *per_till,
        Section(
            "Per dompet",
            ("Dompet", "Jumlah", "Nilai"),
            tuple((b, str(v.count), format_rupiah(v.total)) for b, v in recap.by_brand.items()),
        ),
        Section(
            "Per jam",
            ("Jam", "Jumlah", "Nilai"),
            tuple((_hour_label(recap.day, *k), str(v.count), format_rupiah(v.total)) for k, v in recap.by_hour.items()),
        ),
        Section(
            "Uang masuk tanpa penjualan",
            ("Waktu", "Nominal", "Dompet", "Pembeli"),
            tuple((e.when_text, format_rupiah(e.amount), e.brand_name, e.buyer_reff) for e in recap.unmatched),
        ),
    ]


def _hour_label(day: date, paid_on: date, hour: int) -> str:
    """ "11:00–11:59"; money that came on another day says which ("08-12 00:00–00:59")."""
    span = f"{hour:02d}:00–{hour:02d}:59"
    return span if paid_on == day else f"{paid_on:%d-%m} {span}"


def page(recap: DayRecap) -> tuple[Line, ...]:
    """The sections as the rows of one on-screen table, in the printout's order."""
    lines: list[Line] = []
    for part in sections(recap):
        lines.append(Line("section", (part.title,)))
        if part.rows:
            lines.append(Line("head", part.head))
            lines.extend(Line("row", row) for row in part.rows)
        else:
            lines.append(Line("none", (NOTHING,)))
    return tuple(lines)


def _table(part: Section) -> str:
    if not part.rows:
        return f"<h3>{html.escape(part.title)}</h3><p><i>{NOTHING}</i></p>"
    th = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in part.head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in part.rows)
    return (
        f"<h3>{html.escape(part.title)}</h3>"
        f"<table cellspacing='0' cellpadding='3' border='1'><tr>{th}</tr>{body}</table>"
    )


def to_html(recap: DayRecap, shop_name: str = "") -> str:
    """The printout."""
    parts = [f"<h2>{html.escape(title(recap, shop_name))}</h2>", *(_table(part) for part in sections(recap))]
    return "".join(parts)
