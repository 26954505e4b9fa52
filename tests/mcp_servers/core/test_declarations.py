"""The tool decorator and the world base, on a small server declared here (not registered)."""

import random
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel

from mcp_servers.core import Entity, Money, ServerDef, ToolError, World
from mcp_servers.core.conformance import values_at
from mcp_servers.core.schema import clean_schema

ShelfId = Annotated[str, Entity("shelf")]
BookId = Annotated[str, Entity("book")]


class Book(BaseModel):
    book_id: BookId
    title: str
    genre: Literal["novel", "poetry"]


class Shelf(BaseModel):
    shelf_id: ShelfId
    books: list[Book]


class Library(World):
    server = "library"
    shelves: dict[str, Shelf] = {}

    def generate(self, rng: random.Random) -> None:
        for _ in range(3):
            shelf_id = self.next_id("SHF")
            books = [
                Book(book_id=self.next_id("BK"), title=f"Title {rng.randrange(1000)}", genre=rng.choice(["novel", "poetry"]))
                for _ in range(2)
            ]
            self.shelves[shelf_id] = Shelf(shelf_id=shelf_id, books=books)


class ShelfList(BaseModel):
    shelves: list[Shelf]


library = ServerDef("library", Library, group="test", description="A small library.")


@library.read
def list_shelves(world: Library, genre: Literal["novel", "poetry"] | None = None) -> ShelfList:
    """List the shelves of the library.

    Shelves hold books; use the shelf ids with other tools.

    Args:
        genre: Only shelves holding a book of this genre.
    """
    shelves = [s for s in world.shelves.values() if genre is None or any(b.genre == genre for b in s.books)]
    return ShelfList(shelves=shelves)


@library.write
def lend(world: Library, shelf_id: ShelfId, book_ids: list[BookId], fee: Money = 1.0) -> Shelf:
    """Lend books from a shelf.

    Args:
        shelf_id: Shelf the books are on.
        book_ids: Books to lend.
        fee: Fee per book.
    """
    shelf = world.shelves.get(shelf_id)
    if shelf is None:
        raise ToolError(f"No shelf {shelf_id}")
    shelf.books = [b for b in shelf.books if b.book_id not in book_ids]
    return shelf


def test_a_declaration_derives_description_kind_and_argument_docs_from_the_function():
    spec = library.tools["list_shelves"]
    assert spec.kind == "read" and spec.server == "library"
    assert spec.description == "List the shelves of the library.\n\nShelves hold books; use the shelf ids with other tools."
    assert spec.input_schema["properties"]["genre"]["description"] == "Only shelves holding a book of this genre."
    assert spec.required == ()
    assert library.tools["lend"].required == ("shelf_id", "book_ids")


def test_entity_marks_are_found_on_arguments_list_items_and_nested_result_fields():
    assert {path: e.kind for path, e in library.tools["lend"].arg_entities.items()} == {"shelf_id": "shelf", "book_ids[]": "book"}
    assert {path: e.kind for path, e in library.tools["list_shelves"].result_entities.items()} == {
        "shelves[].shelf_id": "shelf",
        "shelves[].books[].book_id": "book",
    }


def test_schemas_are_inlined_without_titles_and_the_openai_and_mcp_forms_share_them():
    spec = library.tools["list_shelves"]
    schema = spec.output_schema
    assert "$defs" not in schema and "title" not in str(schema.keys())
    book = schema["properties"]["shelves"]["items"]["properties"]["books"]["items"]
    assert book["properties"]["genre"]["enum"] == ["novel", "poetry"]
    assert spec.openai_schema()["function"]["parameters"] is spec.input_schema
    assert spec.mcp_definition()["inputSchema"] is spec.input_schema
    assert spec.mcp_definition()["annotations"]["readOnlyHint"] is True


def test_clean_schema_keeps_a_property_that_is_named_title():
    schema = clean_schema({"type": "object", "title": "X", "properties": {"title": {"type": "string", "title": "T"}}})
    assert schema == {"type": "object", "properties": {"title": {"type": "string"}}}


def test_arguments_are_validated_strictly():
    model = library.tools["lend"].args_model
    with pytest.raises(ValueError):
        model.model_validate({"shelf_id": "SHF-0001", "book_ids": ["BK-0001"], "fee": "1.5"})
    with pytest.raises(ValueError):
        model.model_validate({"shelf_id": "SHF-0001", "book_ids": ["BK-0001"], "surprise": 1})
    assert model.model_validate({"shelf_id": "SHF-0001", "book_ids": ["BK-0001"], "fee": 2}).fee == 2


def test_declarations_without_docs_or_with_a_wrong_world_are_refused():
    other = ServerDef("library", Library, group="test", description="again")
    with pytest.raises(TypeError, match="docstring"):

        @other.read
        def undocumented(world: Library) -> ShelfList:
            return ShelfList(shelves=[])

    with pytest.raises(TypeError, match="Args"):

        @other.read
        def half_documented(world: Library, genre: str) -> ShelfList:
            """List something."""
            return ShelfList(shelves=[])

    with pytest.raises(TypeError, match="first parameter"):

        @other.read
        def no_world(genre: str) -> ShelfList:
            """List something.

            Args:
                genre: A genre.
            """
            return ShelfList(shelves=[])

    with pytest.raises(TypeError, match="pydantic model"):

        @other.read
        def returns_a_list(world: Library) -> list[str]:
            """List something."""
            return []


def test_a_world_is_a_function_of_its_seed_and_its_hash_ignores_dict_order():
    first, again, other = Library.new_world(5), Library.new_world(5), Library.new_world(6)
    assert first.state_hash() == again.state_hash() != other.state_hash()
    reordered = Library.restore(first.snapshot())
    reordered.shelves = dict(reversed(list(reordered.shelves.items())))
    assert reordered.state_hash() == first.state_hash()
    assert Library.restore(first.snapshot()).canonical_json() == first.canonical_json()


def test_next_id_counts_per_prefix_and_is_part_of_the_state():
    world = Library.new_world(0)
    before = world.state_hash()
    assert world.next_id("LOAN") == "LOAN-0001"
    assert world.next_id("LOAN") == "LOAN-0002"
    assert world.state_hash() != before


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("shelves[].shelf_id", ["A", "B"]),
        ("shelves[].books[].book_id", ["a1", "b1", "b2"]),
        ("index{}.name", ["n"]),
        ("missing[].x", []),
    ],
)
def test_values_at_walks_entity_paths_through_lists_and_dicts(path, expected):
    data = {
        "shelves": [{"shelf_id": "A", "books": [{"book_id": "a1"}]}, {"shelf_id": "B", "books": [{"book_id": "b1"}, {"book_id": "b2"}]}],
        "index": {"k": {"name": "n"}},
    }
    assert values_at(data, path) == expected


def test_bounded_fields_reject_oversized_values():
    model = library.tools["lend"].args_model
    with pytest.raises(ValueError):
        model.model_validate({"shelf_id": "S", "book_ids": [], "fee": 10**12})
    with pytest.raises(ValueError):
        model.model_validate({"shelf_id": "S", "book_ids": [], "fee": float("nan")})
