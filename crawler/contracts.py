"""Spider contracts of the project (``scrapy check``), registered by ``SPIDER_CONTRACTS``.

Scrapy's ``@scrapes`` only asks that a field *exists*, and every field of the project's
:class:`~crawler.items.Article` always exists (empty values are null), so it cannot see layout
drift. ``@fields`` asks for a value::

    @fields headline body date_published_raw

Every item the callback returns must have each named field filled (not null, ``""`` or ``[]``);
a name that is not a field of the item fails too (a typo would otherwise pass).
"""
from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail


def empty_fields(item: Any, names: list[str]) -> list[str]:
    """The NAMES that ITEM (any item type) lacks or holds no value for."""
    adapter = ItemAdapter(item)
    known = set(adapter.field_names())
    return [name for name in names if name not in known or adapter.get(name) in (None, "", [], {})]


class FieldsContract(Contract):
    name = "fields"

    def post_process(self, output: list[Any]) -> None:
        items = [x for x in output if is_item(x)]
        if not items:
            raise ContractFail("no item returned, so no field to check")
        for item in items:
            empty = empty_fields(item, self.args)
            if empty:
                url = ItemAdapter(item).get("url") or "an item"
                raise ContractFail(f"{url}: no value for {', '.join(empty)}")
