"""Response envelopes that are not domain objects."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.models import Figure, Section


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SectionList(_Frozen):
    """All sections of the article."""

    items: tuple[Section, ...] = Field(
        description="The sections, in order.",
        examples=[
            [
                {
                    "index": 1,
                    "heading": "坚持以上率下 党史学习掀热潮",
                    "start": 342,
                    "end": 1324,
                    "paragraphs": [],
                }
            ]
        ],
    )
    total: int = Field(description="How many sections there are.", examples=[3], ge=0)


class FigureList(_Frozen):
    """Figures matching the filters."""

    items: tuple[Figure, ...] = Field(
        description="The figures, in text order.",
        examples=[
            [
                {
                    "id": 1,
                    "text": "534个",
                    "value": 534,
                    "value_max": None,
                    "unit": "个",
                    "noun": "基层党组织",
                    "approximate": False,
                    "bound": None,
                    "kind": "count",
                    "section": None,
                    "paragraph": 1,
                    "start": 97,
                    "end": 101,
                    "sentence": "云溪区534个基层党组织……",
                }
            ]
        ],
    )
    total: int = Field(description="How many figures matched.", examples=[19], ge=0)


class SkippedFile(_Frozen):
    """A data file that was not loaded."""

    file: str = Field(description="The file's name in the data folder.", examples=["bad.txt"])
    reason: str = Field(
        description="Why it was skipped.",
        examples=["the file is empty: expected the text of an article page"],
    )


class Health(_Frozen):
    """Liveness and what was loaded."""

    status: str = Field(description="`ok` while the service answers.", examples=["ok"])
    loaded: int = Field(description="Articles loaded and served.", examples=[1], ge=0)
    skipped: int = Field(description="Data files skipped (see /articles/skipped).", examples=[0])
    primary: str = Field(description="Id of the article served at /article.", examples=["4980"])
