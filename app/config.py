"""One settings object, read once from the environment (prefix ``BACKPROP_``).

Every limit that protects the server lives here, with the default documented in the README.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKPROP_", frozen=True)

    max_chars: int = Field(200_000, gt=0, description="Longest expression, in characters.")
    max_nodes: int = Field(60_000, gt=0, description="Most nodes (inputs, constants, gates).")
    max_depth: int = Field(1_000, gt=0, description="Deepest nesting of brackets and calls.")
    max_args: int = Field(
        32,
        ge=2,
        le=64,
        description="Most arguments to max() or min() (each count is compiled at start-up).",
    )
    max_abs_number: float = Field(1e300, gt=0, description="Largest magnitude of a number.")
    max_body_bytes: int = Field(4_000_000, gt=0, description="Largest request body.")
    max_seconds: float = Field(5.0, gt=0, description="Time limit for one computation.")
    max_value_elements: int = Field(
        65_536, gt=0, description="Most entries in one given value (a 256×256 matrix)."
    )
    max_node_elements: int = Field(
        262_144, gt=0, description="Most entries in the value of any one node."
    )
    max_total_elements: int = Field(
        500_000, gt=0, description="Most entries over all nodes' values together."
    )
    gradient_check_budget: int = Field(
        400_000,
        ge=0,
        description="Most gate evaluations (for arrays: entries computed) spent on the numeric "
        "gradient check.",
    )
    latex_max_nodes: int = Field(2_000, ge=0, description="Largest graph typeset as LaTeX.")
    parse_cache_size: int = Field(256, ge=0, description="Parsed expressions kept in memory.")
    parse_cache_nodes: int = Field(
        100_000, ge=0, description="Most nodes, in total, of the parsed expressions kept."
    )
    inline_max_chars: int = Field(
        2_000, ge=0, description="Expressions up to this size are computed on the event loop."
    )
    cors_origins: list[str] = Field(
        ["*"], description="Origins allowed to call /api/ and load /static/."
    )
    embed_frame_ancestors: str = Field("*", description="Who may frame /embed.")
    page_layout_cap: int = Field(
        1_000, ge=0, description="Largest graph the page draws; larger ones show as a table."
    )
    telemetry: bool = Field(
        False, description="FastAPI's native OpenTelemetry (spans, metrics, logs) for requests."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
