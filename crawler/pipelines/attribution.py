"""AttributionPipeline: people-only authors, canonical agencies, split credits, licences.

Thin Scrapy glue over the pure module `crawler.attribution` (see docs/attribution.md).
Setting ``ATTRIBUTION_ENABLED`` (default True). Never raises, never drops an item.
"""
from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from crawler import attribution as attr
from crawler.items import Author, Image

logger = logging.getLogger(__name__)

#: At most this many distinct `attribution/unknown_credit/<text>` stats keys.
UNKNOWN_CREDIT_KEYS_MAX = 50
CONVERSATION_LICENSE = "CC BY-ND 4.0"


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _set(obj: Any, key: str, value: Any) -> None:
    if isinstance(obj, dict):
        obj[key] = value
    else:
        setattr(obj, key, value)


def _copy_like(template: Any, cls: type, **values: Any) -> Any:
    """A new Author/Image of the same shape (dict or dataclass) as `template`."""
    if isinstance(template, dict):
        out = {f.name: None for f in fields(cls)}
        out.update(values)
        return out
    return cls(**values)


class AttributionPipeline:
    def __init__(self, stats: Any = None) -> None:
        self.stats = stats
        self._unknown_keys: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "AttributionPipeline":
        if not crawler.settings.getbool("ATTRIBUTION_ENABLED", True):
            raise NotConfigured("ATTRIBUTION_ENABLED is False")
        return cls(crawler.stats)

    # ------------------------------------------------------------------ stats

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)

    def _unknown_credit(self, text: str) -> None:
        self._inc("attribution/unknown_credit")
        key = " ".join(text.split())[:60]
        if key in self._unknown_keys or len(self._unknown_keys) < UNKNOWN_CREDIT_KEYS_MAX:
            self._unknown_keys.add(key)
            self._inc(f"attribution/unknown_credit/{key}")

    # ------------------------------------------------------------------ entry point

    def process_item(self, item: Any, spider: Any = None) -> Any:
        try:
            self._process(ItemAdapter(item))
        except Exception:  # never lose the item over attribution
            logger.warning(
                "attribution: could not normalise %s", _get(item, "url"), exc_info=True
            )
            self._inc("attribution/errors")
        return item

    def _process(self, item: ItemAdapter) -> None:
        hints = item.get("hints") if "hints" in item.field_names() else None
        hints = hints if isinstance(hints, dict) else {}
        own = self._own_publisher(item)
        evidence: list[str] = []  # agency names seen (credit, byline pieces, wire marks)

        self._authors(item, hints, own, evidence)
        self._body(item, evidence, hints)
        self._origin(item, hints, own, evidence)
        self._images(item)
        self._terms(item, own)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _own_publisher(item: ItemAdapter) -> str | None:
        publisher = item.get("publisher")
        if isinstance(publisher, str) and publisher.strip():
            return attr.canonical_agency(publisher) or publisher.strip()
        return attr.SOURCE_PUBLISHERS.get(item.get("source") or "")

    def _authors(self, item: ItemAdapter, hints: dict, own: str | None, evidence: list[str]) -> None:
        authors = item.get("authors") or []
        if not isinstance(authors, list):
            logger.warning("attribution: authors is not a list in %s: %r", item.get("url"), authors)
            authors = []
        out: list[Any] = []
        dropped = 0
        for author in authors:
            if isinstance(author, str):
                author = Author(name=author, name_raw=author)
            # split the spider's name (its cleaned choice); name_raw is only the fallback
            name = _get(author, "name")
            raw = _get(author, "name_raw")
            text = name if isinstance(name, str) and name.strip() else raw
            if not isinstance(text, str) or not text.strip():
                dropped += 1
                continue
            raw = raw if isinstance(raw, str) and raw.strip() else text
            people, others = attr.split_byline(text)
            self._note_agencies(others, own, evidence)
            people = self._not_site(people, item)
            if not people:
                dropped += 1
                continue
            if len(people) == 1:
                _set(author, "name", people[0])
                _set(author, "name_raw", raw)
                if others and not attr.lookup_agency(others[0]):
                    self._fill_from_atom_string(author, text)
                out.append(author)
                continue
            for name in people:  # one printed string naming several people
                out.append(_copy_like(author, Author, name=name, name_raw=raw,
                                      affiliation=_get(author, "affiliation")))
        byline = hints.get("byline")
        if not out and isinstance(byline, str) and byline.strip():
            people, others = attr.split_byline(byline)
            self._note_agencies(others, own, evidence)
            people = self._not_site(people, item)
            template = authors[0] if authors and isinstance(authors[0], dict) else None
            out = [_copy_like(template, Author, name=n, name_raw=byline) for n in people]
        merged: list[Any] = []
        for author in out:
            twin = next((a for a in merged if attr.names_match(_get(a, "name"), _get(author, "name"))), None)
            if twin is None:
                merged.append(author)
                continue
            for key in ("affiliation", "role", "url"):
                if not _get(twin, key) and _get(author, key):
                    _set(twin, key, _get(author, key))
        if dropped:
            self._inc("attribution/authors_dropped", dropped)
        item["authors"] = merged

    def _not_site(self, people: list[str], item: ItemAdapter) -> list[str]:
        """PEOPLE without the site's own name ("Die FURCHE" on a page of Die FURCHE), counted."""
        kept = [p for p in people if not attr.is_site_name(p, item.get("publisher"))]
        self._inc("attribution/authors_site_name", len(people) - len(kept))
        return kept

    @staticmethod
    def _fill_from_atom_string(author: Any, text: str) -> None:
        """`Name, Role, Institution` given as one name (Atom style): fill role/affiliation."""
        name, role, affiliation = attr.parse_atom_author(text)
        if not name or not affiliation or not attr.names_match(name, _get(author, "name")):
            return  # "Jane Doe, Staff Writer" / "…, Special to The Japan Times": no institution
        if role and not _get(author, "role"):
            _set(author, "role", role)
        if affiliation and not _get(author, "affiliation"):
            _set(author, "affiliation", affiliation)

    @staticmethod
    def _note_agencies(pieces: list[str], own: str | None, evidence: list[str]) -> None:
        for piece in pieces:
            agency = attr.lookup_agency(piece)
            if agency and agency.name != own and agency.name not in evidence:
                evidence.append(agency.name)

    def _body(self, item: ItemAdapter, evidence: list[str], hints: dict) -> None:
        body = item.get("body")
        if body is not None and not isinstance(body, str):
            logger.warning("attribution: body is not text in %s: %r", item.get("url"), type(body).__name__)
        if not isinstance(body, str) or not body.strip():
            return
        body, copyright_, agency = attr.strip_end_marks(body)
        if copyright_ and not item.get("copyright"):
            item["copyright"] = copyright_
        if agency and agency not in evidence:
            evidence.append(agency)
        if copyright_ or agency:
            self._inc("attribution/end_marks_stripped")
        agency, dateline = attr.detect_wire(body[:400])
        head = body.find(dateline) if dateline else -1
        if agency and 0 <= head <= 100:  # a wire dateline opening the story, not a mention
            if agency not in evidence:
                evidence.append(agency)
            place, date = attr.split_dateline(dateline)
            if place and not item.get("dateline"):
                item["dateline"] = place
            if date and "dateline_date" not in hints and "hints" in item.field_names():
                hints["dateline_date"] = date
                item["hints"] = hints
        names = [_get(a, "name") for a in item.get("authors") or [] if _get(a, "name")]
        byline = hints.get("byline")
        if isinstance(byline, str):
            names += attr.split_authors(byline)
        body, bios = attr.strip_bios(body, names)
        for name, role, affiliation, _sentence in bios:
            self._inc("attribution/bios_stripped")
            author = next((a for a in item.get("authors") or [] if attr.names_match(_get(a, "name"), name)), None)
            if author is None:
                continue
            if role and not _get(author, "role"):
                _set(author, "role", role)
            if affiliation and not _get(author, "affiliation"):
                _set(author, "affiliation", affiliation)
        item["body"] = body

    def _origin(self, item: ItemAdapter, hints: dict, own: str | None, evidence: list[str]) -> None:
        credit = hints.get("credit")
        if isinstance(credit, str) and credit.strip():
            self._credit(item, credit, own, evidence)
        elif credit is not None and not isinstance(credit, str):
            logger.warning("attribution: hints['credit'] is not text in %s: %r", item.get("url"), credit)

        original = item.get("original_publisher")
        if isinstance(original, str) and original.strip():
            canonical = attr.canonical_agency(original)
            if canonical:
                item["original_publisher"] = canonical
            else:
                self._unknown_credit(original)
                item["original_publisher"] = " ".join(original.split())
            if own and attr.same_publisher(item["original_publisher"], own):
                if item.get("is_republication"):  # an agency's story on its own site is an original
                    item["is_republication"] = False
                    self._inc("attribution/own_publisher_not_republication")
            elif own and not item.get("is_republication"):
                item["is_republication"] = True
                self._inc("attribution/republication_marked")
            return
        candidates = [e for e in evidence if e and e != own]
        if candidates:
            item["original_publisher"] = candidates[0]
            item["is_republication"] = True
            self._inc("attribution/republication_marked")

    def _credit(self, item: ItemAdapter, credit: str, own: str | None, evidence: list[str]) -> None:
        """A wire credit line (JT p.credit / jat-credit, Kyodo "KYODO NEWS")."""
        if attr.is_placeholder(credit):
            return  # "No Author", "Staff Writer": names nobody
        agency = attr.lookup_agency(credit) or attr.lookup_agency(attr.split_credit_license(credit)[0])
        if agency:
            if agency.name != own and agency.name not in evidence:
                evidence.insert(0, agency.name)
            return
        people, others = attr.split_byline(credit)
        letters = [c for c in credit if c.isalpha()]
        if people and not all(c.isupper() for c in letters):
            # jat-credit style "No Author, Hanako Ota": people, in mixed case as printed
            self._note_agencies(others, own, evidence)
            if not item.get("authors"):
                item["authors"] = [Author(name=n, name_raw=credit) for n in people]
            return
        self._unknown_credit(credit)
        printed = " ".join(credit.split())
        if printed != own and printed not in evidence:
            evidence.insert(0, printed)

    def _images(self, item: ItemAdapter) -> None:
        images = item.get("images") or []
        if not isinstance(images, list):
            logger.warning("attribution: images is not a list in %s: %r", item.get("url"), images)
            return
        for image in images:
            if not isinstance(image, (dict, Image)):
                continue
            caption, credit, license_ = _get(image, "caption"), _get(image, "credit"), _get(image, "license")
            if isinstance(caption, str) and caption.strip():
                new_caption, found_credit, found_license = attr.split_caption_credit(caption)
                _set(image, "caption", new_caption)
                if found_credit and not (isinstance(credit, str) and credit.strip()):
                    credit = found_credit
                license_ = license_ or found_license
            if isinstance(credit, str) and credit.strip():
                credit, credit_license = attr.split_credit_license(credit)
                license_ = license_ or credit_license
            _set(image, "credit", credit if isinstance(credit, str) and credit else None)
            if isinstance(license_, str) and license_.strip():
                _set(image, "license", attr.normalise_license(license_) or license_.strip())

    def _terms(self, item: ItemAdapter, own: str | None) -> None:
        copyright_ = item.get("copyright")
        if isinstance(copyright_, str) and copyright_.strip():
            item["copyright"] = attr.normalise_copyright(copyright_) or " ".join(copyright_.split())
        license_ = item.get("license")
        if isinstance(license_, str) and license_.strip():
            normal = attr.normalise_license(license_)
            if normal is None:
                logger.warning("attribution: unknown licence %r in %s", license_, item.get("url"))
            item["license"] = normal or " ".join(license_.split())
        elif "The Conversation" in (item.get("original_publisher"), own):
            item["license"] = CONVERSATION_LICENSE

