"""Optional LLM answer composer: a chat model words the answer from the retrieved records, every figure checked.

Off by default (config.toml [llm]). Whatever goes wrong — timeout, endpoint error, a reply citing nothing or
stating a number the cited records do not hold — the extractive answer is returned instead, with a note why.
"""
from __future__ import annotations

import re
import string
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from minsheng.bot import texts
from minsheng.bot.answer.reply_checks import check_reply, without_instructions
from minsheng.bot.answer.types import Answer, citation_of
from minsheng.bot.settings import LLMSettings
from minsheng.index.errors import MinshengError
from minsheng.index.indexing import count_tokens, fit_tokens
from minsheng.index.search import Hit
from minsheng.index.vocabulary import (
    CITATION_MARK,
    CITATION_SPLIT,
    CLAUSE_COMMA,
    LIST_COMMA,
    RAW_CITATION_MARK,
    RAW_CITATION_SPLIT,
)

if TYPE_CHECKING:
    # Only for annotations: langchain costs a noticeable fraction of a second to import, and the composer is
    # off by default, so nothing of it is loaded until a composer is actually built or used.
    from langchain_core.language_models import BaseChatModel

SYSTEM_FILE = "answer_system.txt"
USER_FILE = "answer_user.txt"
# The system prompt is sent as written (after {{ }} unescaping); the user prompt gets exactly these two.
SYSTEM_PLACEHOLDERS: frozenset[str] = frozenset()
USER_PLACEHOLDERS: frozenset[str] = frozenset({"question", "records"})

# Worker threads for model calls. A hung call keeps its thread until the HTTP client's own timeout ends it,
# so there are a few, letting the next question still reach the model meanwhile.
_WORKERS = 4

# Reasoning models served through Ollama/vLLM may prepend their chain of thought; it is not the answer.
_THINK = re.compile(r"^\s*<think>.*?</think>", re.DOTALL)


class PromptError(MinshengError):
    """A prompt template is missing, unreadable, or has the wrong placeholders; the message names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Prompts:
    """The two prompt templates of the answer composer, checked by load_prompts."""

    system: str
    user: str


def load_prompts(directory: Path) -> Prompts:
    """Read answer_system.txt and answer_user.txt from directory and check their placeholders."""
    system = _read_template(directory / SYSTEM_FILE, SYSTEM_PLACEHOLDERS)
    user = _read_template(directory / USER_FILE, USER_PLACEHOLDERS)
    return Prompts(system=system, user=user)


def _read_template(path: Path, expected: frozenset[str]) -> str:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise PromptError(path, texts.PROMPT_NOT_FOUND) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(path, texts.PROMPT_UNREADABLE.format(error=exc)) from None
    try:
        fields = [(name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        # A lone { or } — literal braces must be written {{ and }}.
        raise PromptError(path, texts.PROMPT_MALFORMED.format(error=exc)) from None
    found: set[str] = set()
    for name, conversion, spec in fields:
        if name not in expected:
            allowed = ", ".join(texts.PROMPT_PLACEHOLDER.format(name=n) for n in sorted(expected)) \
                or texts.PROMPT_NO_PLACEHOLDERS
            raise PromptError(path, texts.PROMPT_UNKNOWN_PLACEHOLDER.format(name=name, allowed=allowed))
        if conversion or spec:
            # Values are plain text; a !r or :>10 would quietly change what the model reads.
            raise PromptError(path, texts.PROMPT_PLACEHOLDER_PLAIN.format(name=name))
        found.add(name)
    missing = sorted(expected - found)
    if missing:
        raise PromptError(path, texts.PROMPT_MISSING_PLACEHOLDER.format(name=missing[0]))
    return text


def format_records(hits: list[Hit], budget_tokens: int) -> tuple[str, list[Hit]]:
    """Numbered records "[n] label\\ntext", best first, within budget_tokens; the first always goes in."""
    blocks: list[str] = []
    included: list[Hit] = []
    for hit in hits:
        # The report's words are data: delimited, and any sentence in them addressed to a model left out.
        block = f"[{len(blocks) + 1}] {citation_of(hit).label()}\n<<<\n{without_instructions(hit.chunk.text)}\n>>>"
        candidate = "\n\n".join([*blocks, block])
        if count_tokens(candidate) <= budget_tokens:
            blocks.append(block)
            included.append(hit)
            continue
        if not blocks:
            # Without any record the model can only guess; a cut first record still carries its header.
            blocks.append(block[:fit_tokens(block, budget_tokens)])
            included.append(hit)
        # Best first: once one does not fit, a later (worse) one is not worth more than the budget says.
        break
    return "\n\n".join(blocks), included


def _normalized(text: str) -> str:
    # The Chinese comma "，" would become "," under NFKC and glue "3，500" into 3500; it separates clauses in
    # these reports, never thousands, so it is set apart first.
    return unicodedata.normalize("NFKC", text.replace(CLAUSE_COMMA, LIST_COMMA))


def cited_numbers(reply: str) -> list[int]:
    """Record numbers cited by [n] markers in reply, in order of first citation."""
    cited: list[int] = []
    for match in CITATION_MARK.finditer(_normalized(reply)):
        for part in CITATION_SPLIT.split(match.group(1)):
            n = int(part)
            if n not in cited:
                cited.append(n)
    return cited


def renumber(reply: str, cited: list[int]) -> str:
    """Citation markers renumbered to the answer's own source list ([3] first cited → [1]), written [1][2]."""
    order = {n: i for i, n in enumerate(cited, 1)}

    def marker(match: re.Match[str]) -> str:
        parts = RAW_CITATION_SPLIT.split(unicodedata.normalize("NFKC", match.group(1)))
        return "".join(f"[{order[int(p)]}]" for p in parts if int(p) in order)

    # Matched on the reply as written (full-width ［１］ too), so its own punctuation is left alone.
    return RAW_CITATION_MARK.sub(marker, reply)


class LLMComposer:
    """Words an answer with a chat model from the retrieved records; falls back to the extractive answer."""

    def __init__(self, chat_model: BaseChatModel, prompts: Prompts, max_context_tokens: int,
                 timeout: float) -> None:
        self.chat_model = chat_model
        self.prompts = prompts
        self.max_context_tokens = max_context_tokens
        self.timeout = timeout
        # Not used as a context manager: shutting down waits for a hung call, which the caller must not do.
        self._executor = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="llm-composer")

    def compose(self, question: str, hits: list[Hit], fallback: Answer) -> Answer:
        """The model's answer if it cites the records and every number checks out, else fallback with a note."""
        if fallback.abstained or not hits:
            return fallback
        from langchain_core.messages import HumanMessage, SystemMessage

        records, included = format_records(hits, self.max_context_tokens)
        messages = [
            SystemMessage(content=self.prompts.system.format()),
            HumanMessage(content=self.prompts.user.format(question=question, records=records)),
        ]
        future = self._executor.submit(self.chat_model.invoke, messages)
        try:
            message = future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()  # only helps while it still waits for a worker; a running call cannot be stopped
            return _fall_back(fallback, f"timeout after {float(self.timeout)} s")
        except Exception as exc:  # noqa: BLE001 — any endpoint failure means answering extractively
            return _fall_back(fallback, f"endpoint error: {type(exc).__name__}")

        reply = _THINK.sub("", _reply_text(message)).strip()
        if not reply:
            return _fall_back(fallback, "empty reply")
        cited = cited_numbers(reply)
        if not cited:
            return _fall_back(fallback, "no [n] citation of the records")
        wrong = [n for n in cited if not 1 <= n <= len(included)]
        if wrong:
            return _fall_back(fallback, f"cites [{wrong[0]}], there are {len(included)} records")
        cited_hits = [included[n - 1] for n in cited]
        # The label is part of what the model was shown (it may hold the report title's year).
        sources = [f"{citation_of(h).label()}\n{h.chunk.text}" for h in cited_hits]
        problem = check_reply(reply, sources, question)
        if problem:
            return _fall_back(fallback, problem)
        return Answer(text=renumber(reply, cited), citations=[citation_of(h) for h in cited_hits], abstained=False,
                      composer="llm", notes=fallback.notes)


def _reply_text(message: object) -> str:
    """The text of a chat model's reply (content may be a string or a list of content blocks)."""
    text = getattr(message, "text", None)
    if isinstance(text, str):
        return text
    content = getattr(message, "content", message)
    return content if isinstance(content, str) else ""


def _fall_back(fallback: Answer, reason: str) -> Answer:
    return replace(fallback, notes=(*fallback.notes, f"llm fallback: {reason}"))


def make_chat_model(settings: LLMSettings, api_key: str | None) -> BaseChatModel:
    """A ChatOpenAI client for any OpenAI-compatible endpoint; no retries, since we time out ourselves."""
    # Imported here: langchain_openai takes about a second to import and is needed only when enabled.
    from langchain_openai import ChatOpenAI

    # Local servers (Ollama, vLLM) want no key, but the client insists on one.
    return ChatOpenAI(base_url=settings.base_url, model=settings.model, api_key=api_key or "not-needed",
                      temperature=settings.temperature, timeout=settings.timeout, max_retries=0)


def make_composer(settings: LLMSettings, api_key: str | None) -> LLMComposer | None:
    """The composer the settings ask for, or None when [llm] is not enabled."""
    if not settings.enabled:
        return None
    prompts = load_prompts(settings.prompts_dir)
    return LLMComposer(make_chat_model(settings, api_key), prompts, settings.max_context_tokens, settings.timeout)
