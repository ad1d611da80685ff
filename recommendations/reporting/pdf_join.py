"""Tagged PDFs joined into one tagged PDF.

pypdf joins pages, outlines and annotations but leaves the structure tree behind, which is what
a screen reader reads a tagged PDF by: a long report, printed by WeasyPrint in parts to bound
its memory, would lose it. Here each part's structure elements are grafted under one Document
element in the order of the pages, and the keys that tie a page's marked content and an
annotation to its elements (the parent tree) are renumbered into one sequence, as a single
print would have written them. The catalogue says the file is tagged and carries the first
part's XMP metadata, which names the document and declares it PDF/UA.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)


def _dictionary(value: PdfObject | None) -> DictionaryObject:
    resolved = value.get_object() if value is not None else None
    if not isinstance(resolved, DictionaryObject):
        raise ValueError(f"A PDF dictionary was expected, not {resolved!r}.")
    return resolved


def _items(value: PdfObject | None) -> list[PdfObject]:
    """An entry that holds one value, an array of them, or nothing, as a list."""
    resolved = value.get_object() if value is not None else None
    if resolved is None:
        return []
    return list(resolved) if isinstance(resolved, ArrayObject) else [resolved]


def _is_element(value: PdfObject) -> bool:
    """A structure element, rather than a reference to marked content or an object."""
    return isinstance(value, IndirectObject) and "/S" in _dictionary(value)


def _set(dictionary: DictionaryObject, key: str, value: PdfObject) -> None:
    dictionary[NameObject(key)] = value


def _descendants(top: IndirectObject) -> Iterator[tuple[IndirectObject, IndirectObject]]:
    """Each structure element under `top`, with its parent."""
    stack = [top]
    while stack:
        parent = stack.pop()
        for kid in _items(_dictionary(parent).get("/K")):
            if _is_element(kid):
                yield cast(IndirectObject, kid), parent
                stack.append(cast(IndirectObject, kid))


def _add(writer: PdfWriter, entries: dict[str, PdfObject]) -> IndirectObject:
    return writer._add_object(DictionaryObject({NameObject(k): v for k, v in entries.items()}))


def join_tagged(parts: Iterable[Path | IO[bytes]]) -> PdfWriter:
    """The parts' pages one after the other in one tagged document, each part read when its
    turn comes."""
    writer = PdfWriter()
    tree_root = _add(writer, {"/Type": NameObject("/StructTreeRoot")})
    document = _add(
        writer,
        {"/Type": NameObject("/StructElem"), "/S": NameObject("/Document"), "/P": tree_root},
    )
    kids = ArrayObject()
    nums = ArrayObject()
    next_key = 0
    metadata: PdfObject | None = None
    for source in parts:
        part = PdfReader(source)
        first_page = len(writer.pages)
        writer.append(part)
        tree = _dictionary(part.root_object.get("/StructTreeRoot"))
        old_nums = _items(_dictionary(tree.get("/ParentTree")).get("/Nums"))
        keys: dict[int, int] = {}
        for old_key in old_nums[::2]:
            keys[cast(NumberObject, old_key).as_numeric()] = next_key
            next_key += 1
        # The part's Document element is dropped; its kids become the joined Document's. Their
        # parent links are left out of the copy (it would copy the part's whole tree again
        # through them) and set afresh; pages and annotations were copied with the pages, and
        # the elements' references to them point to those copies.
        for top in _items(tree.get("/K")):
            for kid in _items(_dictionary(top).get("/K")):
                if not _is_element(kid):
                    continue
                copy = cast(IndirectObject, kid.clone(writer, ignore_fields=["/P"]))
                _set(_dictionary(copy), "/P", document)
                for element, parent in _descendants(copy):
                    _set(_dictionary(element), "/P", parent)
                kids.append(copy)
        for old_key, value in zip(old_nums[::2], old_nums[1::2], strict=True):
            new_key = keys[cast(NumberObject, old_key).as_numeric()]
            nums += [NumberObject(new_key), value.clone(writer)]
        for index, page in enumerate(part.pages):
            copy_page = writer.pages[first_page + index]
            if "/StructParents" in page:
                old = cast(NumberObject, page["/StructParents"]).as_numeric()
                _set(copy_page, "/StructParents", NumberObject(keys[old]))
            for annotation in _items(copy_page.get("/Annots")):
                entries = _dictionary(annotation)
                if "/StructParent" in entries:
                    old = cast(NumberObject, entries["/StructParent"]).as_numeric()
                    _set(entries, "/StructParent", NumberObject(keys[old]))
        if metadata is None and "/Metadata" in part.root_object:
            metadata = part.root_object.raw_get("/Metadata").clone(writer)
    _set(_dictionary(document), "/K", kids)
    tree_entries = _dictionary(tree_root)
    _set(tree_entries, "/K", ArrayObject([document]))
    _set(tree_entries, "/ParentTree", _add(writer, {"/Nums": nums}))
    _set(tree_entries, "/ParentTreeNextKey", NumberObject(next_key))
    catalog = writer.root_object
    _set(catalog, "/StructTreeRoot", tree_root)
    _set(catalog, "/MarkInfo", DictionaryObject({NameObject("/Marked"): BooleanObject(True)}))
    _set(
        catalog,
        "/ViewerPreferences",
        DictionaryObject({NameObject("/DisplayDocTitle"): BooleanObject(True)}),
    )
    if metadata is not None:
        _set(catalog, "/Metadata", metadata)
    return writer
