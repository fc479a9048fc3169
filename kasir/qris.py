"""QRIS (EMVCo merchant-presented mode) payloads: parse, validate, convert static to dynamic.

Lengths count characters, not bytes (a Chinese merchant name of four characters is
declared as ``04``); the CRC runs over the UTF-8 bytes of everything before its value.
Validation separates *errors* (the payload must not be shown or paid) from *warnings*
(off-spec but payable: real OrderKuota QRs carry names over 25 characters and tags out
of ascending order).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kasir.errors import InvalidValueError

__all__ = [
    "Field",
    "Finding",
    "Payload",
    "QrisError",
    "crc16",
    "inspect",
    "parse",
    "to_dynamic",
]

# Templates whose value is itself a TLV list (EMVCo MPM: merchant account information,
# additional data, language template, unreserved templates).
_TEMPLATE_TAGS = frozenset({*range(26, 52), 62, 64, *range(80, 100)})
# ASCII digits, matched whole: "\d" takes other scripts' digits and "$" a trailing newline.
_AMOUNT_RE = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_PERCENT_RE = re.compile(r"[0-9]{1,2}(\.[0-9]{1,2})?")
_MAX_NAME = 25
_MAX_AMOUNT_LEN = 13
_EXPECTED_PRESENT = ("52", "53", "58", "59", "60")
MANDATORY = _EXPECTED_PRESENT  # EMVCo MPM / QRIS: a wallet may refuse or misread a QR without them


class QrisError(InvalidValueError):
    """A payload that must not be used: broken structure, bad CRC, invalid amount."""

    def __init__(self, message: str, findings: tuple[Finding, ...] = ()) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class Field:
    tag: str
    value: str
    raw: str  # tag + length + value exactly as in the source, for byte-exact copies
    children: tuple[Field, ...] | None = None

    def child(self, tag: str) -> str | None:
        for c in self.children or ():
            if c.tag == tag:
                return c.value
        return None


@dataclass(frozen=True)
class Payload:
    raw: str
    fields: tuple[Field, ...]
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors

    def get(self, tag: str) -> str | None:
        found = self.field(tag)
        return found.value if found else None

    def field(self, tag: str) -> Field | None:
        for f in self.fields:
            if f.tag == tag:
                return f
        return None

    @property
    def is_dynamic(self) -> bool:
        return self.get("01") == "12"

    @property
    def amount(self) -> str | None:
        """Tag 54 exactly as written (``"39000.00"``), or None for an open amount."""
        return self.get("54")

    @property
    def amount_rupiah(self) -> int | None:
        """Tag 54 as whole rupiah, or None when absent or carrying non-zero cents."""
        text = self.amount
        if text is None or not _AMOUNT_RE.fullmatch(text):
            return None
        whole, _, cents = text.partition(".")
        if cents and int(cents) != 0:
            return None
        return int(whole)

    @property
    def merchant_name(self) -> str | None:
        return self.get("59")

    @property
    def merchant_city(self) -> str | None:
        return self.get("60")

    @property
    def currency(self) -> str | None:
        return self.get("53")

    @property
    def country(self) -> str | None:
        return self.get("58")

    @property
    def nmid(self) -> str | None:
        """National Merchant ID, held by the QRIS domestic template (``ID.CO.QRIS.WWW``)."""
        for f in self.fields:
            if f.children and f.child("00") == "ID.CO.QRIS.WWW":
                return f.child("02")
        return None

    def merchant_identity(self) -> tuple[tuple[str, str], ...]:
        """What must not change between a merchant's static base and a QR made from it."""
        return tuple((f.tag, f.value) for f in self.fields if 26 <= int(f.tag) <= 51 or f.tag in ("52", "58"))


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over UTF-8, as 4 uppercase hex digits.

    Text that has no UTF-8 form (a lone surrogate such as ``"\\ud800"``) has no CRC either: that is a
    :class:`QrisError`, never a ``UnicodeEncodeError`` escaping the gate.
    """
    try:
        encoded = data.encode("utf-8")
    except UnicodeEncodeError:
        raise QrisError("isi QR memuat karakter yang tidak sah (bukan UTF-8)") from None
    return f"{binascii.crc_hqx(encoded, 0xFFFF):04X}"


class _TlvError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.finding = Finding(code, message)


def _read_tlv(text: str, *, where: str) -> Iterator[Field]:
    pos = 0
    while pos < len(text):
        head = text[pos : pos + 4]
        if len(head) < 4:
            raise _TlvError("truncated", f"{where}: sisa data terpotong pada posisi {pos}")
        tag, length = head[:2], head[2:]
        if not (tag.isdigit() and length.isdigit() and tag.isascii() and length.isascii()):
            raise _TlvError("structure", f"{where}: tag/panjang tidak valid pada posisi {pos}: {head!r}")
        end = pos + 4 + int(length)
        if end > len(text):
            raise _TlvError("truncated", f"{where}: nilai tag {tag} melewati akhir data")
        value = text[pos + 4 : end]
        yield Field(tag, value, text[pos:end])
        pos = end


def _with_children(f: Field, errors: list[Finding]) -> Field:
    if int(f.tag) not in _TEMPLATE_TAGS:
        return f
    try:
        children = tuple(_read_tlv(f.value, where=f"template {f.tag}"))
    except _TlvError as exc:
        errors.append(exc.finding)
        return f
    tags = [c.tag for c in children]
    doubled = sorted({t for t in tags if tags.count(t) > 1})
    if doubled:
        errors.append(Finding("duplicate_sub_tag", f"template {f.tag}: sub-tag ganda {', '.join(doubled)}"))
    for child in children:
        if not child.value:
            errors.append(Finding("empty_value", f"template {f.tag}: sub-tag {child.tag} kosong"))
    return Field(f.tag, f.value, f.raw, children)


def inspect(payload: str) -> Payload:
    """Read a payload and report every error and warning; never raises for bad content."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    text = payload.strip() if isinstance(payload, str) else ""
    if not text:
        return Payload(payload, (), (Finding("empty", "isi QR kosong"),))
    if not _encodable(text):
        # No UTF-8 form, so no CRC can be computed or checked: nothing else about it can be trusted.
        return Payload(text, (), (Finding("encoding", "isi QR memuat karakter yang tidak sah (bukan UTF-8)"),))
    try:
        flat = list(_read_tlv(text, where="isi QR"))
    except _TlvError as exc:
        return Payload(text, (), (exc.finding,))
    fields = tuple(_with_children(f, errors) for f in flat)
    _check_structure(text, fields, errors, warnings)
    _check_values(fields, errors, warnings)
    return Payload(text, fields, tuple(errors), tuple(warnings))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_structure(text: str, fields: tuple[Field, ...], errors: list[Finding], warnings: list[Finding]) -> None:
    tags = [f.tag for f in fields]
    dupes = sorted({t for t in tags if tags.count(t) > 1})
    if dupes:
        errors.append(Finding("duplicate_tag", f"tag ganda: {', '.join(dupes)}"))
    empty = [f.tag for f in fields if not f.value]
    if empty:
        errors.append(Finding("empty_value", f"nilai kosong pada tag {', '.join(empty)}"))
    if not any(2 <= int(t) <= 51 for t in tags):
        errors.append(Finding("merchant_account", "tidak ada informasi akun merchant (tag 02-51)"))
    if not fields or fields[0].tag != "00" or fields[0].value != "01":
        errors.append(Finding("format_indicator", "tag 00 harus pertama dengan nilai 01"))
    if "63" not in tags:
        errors.append(Finding("crc_missing", "tag CRC (63) tidak ada"))
    elif tags[-1] != "63":
        errors.append(Finding("crc_not_last", "tag CRC (63) harus paling akhir"))
    else:
        _check_crc(text, fields[-1], errors, warnings)
    ordered = [int(t) for t in tags if t != "63"]
    if ordered != sorted(ordered):
        warnings.append(Finding("order", "urutan tag tidak menaik"))


def _check_crc(text: str, crc: Field, errors: list[Finding], warnings: list[Finding]) -> None:
    if len(crc.value) != 4:
        errors.append(Finding("crc_length", "CRC harus 4 digit heksadesimal"))
        return
    expected = crc16(text[: len(text) - 4])
    if crc.value.upper() != expected:
        errors.append(Finding("crc_mismatch", f"CRC salah: tertulis {crc.value}, seharusnya {expected}"))
    elif crc.value != expected:
        warnings.append(Finding("crc_lowercase", "CRC ditulis huruf kecil"))


def _check_values(fields: tuple[Field, ...], errors: list[Finding], warnings: list[Finding]) -> None:
    values = {f.tag: f.value for f in fields}
    indicator = values.get("01")
    if indicator not in (None, "11", "12"):
        errors.append(Finding("initiation", f"tag 01 harus 11 atau 12, bukan {indicator!r}"))
    amount = values.get("54")
    if amount is not None:
        if len(amount) > _MAX_AMOUNT_LEN or not _AMOUNT_RE.fullmatch(amount) or float(amount) <= 0:
            errors.append(Finding("amount", f"nominal (tag 54) tidak valid: {amount!r}"))
        elif indicator == "11":
            warnings.append(Finding("amount_on_static", "QR statis membawa nominal"))
    _check_fees(values, errors)
    name = values.get("59")
    if name is not None and len(name) > _MAX_NAME:
        warnings.append(Finding("name_length", f"nama merchant lebih dari {_MAX_NAME} karakter"))
    missing = [t for t in _EXPECTED_PRESENT if t not in values]
    if missing:
        # Read tolerantly (QRs made by public libraries omit them), but refused wherever a QR is
        # shown to a customer or kept as the shop's: see kasir.qrcheck and kasir.shop_qris.
        warnings.append(Finding("missing", f"tag wajib tidak ada: {', '.join(missing)}"))
    mcc = values.get("52")
    if mcc is not None and not (len(mcc) == 4 and mcc.isdigit()):
        warnings.append(Finding("mcc", f"kode kategori merchant (tag 52) janggal: {mcc!r}"))


def _check_fees(values: dict[str, str], errors: list[Finding]) -> None:
    """EMVCo MPM 4.7.x: 55 is 01 (the customer types a tip), 02 (a fixed fee in 56) or 03 (a
    percentage in 57); 56 is an amount as tag 54 writes one, 57 a percentage between 00.01 and 99.99.
    Each fee tag belongs to its indicator, and each of those indicators needs its fee tag."""
    tip = values.get("55")
    if tip is not None and tip not in ("01", "02", "03"):
        errors.append(Finding("tip_indicator", f"tag 55 tidak valid: {tip!r}"))
    for tag, indicator, kind in (("56", "02", "tetap"), ("57", "03", "persen")):
        if tag in values and tip != indicator:
            errors.append(Finding("fee_orphan", f"biaya {kind} (tag {tag}) tanpa tag 55={indicator}"))
        if tip == indicator and tag not in values:
            errors.append(Finding("fee_missing", f"tag 55={indicator} tanpa nilai biaya {kind} (tag {tag})"))
    fixed, percent = values.get("56"), values.get("57")
    if fixed is not None and not _positive_number(fixed, _AMOUNT_RE, _MAX_AMOUNT_LEN):
        errors.append(Finding("fee_value", f"biaya tetap (tag 56) tidak valid: {fixed!r}"))
    if percent is not None and not (_positive_number(percent, _PERCENT_RE, 5) and float(percent) < 100):
        errors.append(Finding("fee_value", f"biaya persen (tag 57) tidak valid: {percent!r}"))


def _positive_number(text: str, pattern: re.Pattern[str], max_len: int) -> bool:
    """ASCII digits as the pattern allows (never "1.5e3" nor other scripts' digits), above zero."""
    return len(text) <= max_len and pattern.fullmatch(text) is not None and float(text) > 0


def parse(payload: str) -> Payload:
    """Parse a payload; raise :class:`QrisError` when it has any error (warnings are kept)."""
    result = inspect(payload)
    if result.errors:
        raise QrisError("; ".join(e.message for e in result.errors), result.errors)
    return result


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise QrisError(f"nilai tag {tag} terlalu panjang")
    return f"{tag}{len(value):02d}{value}"


def _labelled(kept: list[Field], additional: Field | None, label: str) -> list[Field]:
    """The fields with tag 62's sub-tag 07 (terminal label) set to ``label``; 62 made if absent."""
    if additional is not None and additional.children is None:
        return kept  # a tag 62 that is not TLV inside is copied as it is, unlabelled
    children = [c.raw for c in (additional.children or ()) if c.tag != "07"] if additional else []
    children.append(_tlv("07", label))
    value = "".join(sorted(children, key=lambda raw: raw[:2]))
    field = Field("62", value, _tlv("62", value))
    rest = [f for f in kept if f.tag != "62"]
    at = next((i for i, f in enumerate(rest) if int(f.tag) > 62), len(rest))
    return [*rest[:at], field, *rest[at:]]


def to_dynamic(payload: str, amount: int, *, terminal_label: str = "") -> str:
    """Turn a merchant's QR (static or dynamic) into a dynamic QR for exactly ``amount`` rupiah.

    Every tag other than 01, 54-57 and 63 is copied byte for byte, unknown ones included;
    tip/fee tags are dropped because the customer must pay exactly the nominal shown.
    ``terminal_label``: the till that sold (tag 62, sub-tag 07), in a shop of several tills; the
    other sub-tags of 62 are kept.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise QrisError(f"nominal harus bilangan bulat positif, bukan {amount!r}")
    if len(str(amount)) > _MAX_AMOUNT_LEN:
        raise QrisError("nominal terlalu besar")
    source = parse(payload)
    kept = [f for f in source.fields if f.tag not in ("54", "55", "56", "57", "63")]
    if terminal_label:
        kept = _labelled(kept, source.field("62"), terminal_label)
    parts: list[str] = []
    inserted = False
    for f in kept:
        if not inserted and int(f.tag) > 54:
            parts.append(_tlv("54", str(amount)))
            inserted = True
        parts.append(_tlv("01", "12") if f.tag == "01" else f.raw)
        if f.tag == "00" and source.get("01") is None:
            parts.append(_tlv("01", "12"))
    if not inserted:
        parts.append(_tlv("54", str(amount)))
    body = "".join(parts) + "6304"
    result = body + crc16(body)
    parse(result)  # a converter bug must surface here, never on the customer's screen
    return result
