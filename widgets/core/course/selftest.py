"""The dashboard's "My knowledge" self-test: questions sampled from every question bank of the
course, scored per topic, with strengths and the modules to revisit.

Why it works this way:

- One question source and one scoring rule: the questions are the course's banks
  (widgets/content/questions/*.yaml) and the answers are checked and shuffled by
  widgets.core.course.questions (a :class:`QuizAttempt` over an in-memory bank of the sampled
  questions), exactly as in the modules' knowledge checks.
- Every bank contributes: the test's questions are shared out over the banks as evenly as
  their sizes allow (a bank with fewer questions than its share gives all it has and the rest
  goes to the others), then drawn at random within each bank. The draw is reproducible: the
  seed is made by SHA-256 from the learner and the attempt number (questions.attempt_seed), so
  the same learner and attempt always get the same questions and a new attempt new ones.
- A question's topic is the clause group (ISO 10002:2018 clauses 4–8) of the first clause it
  cites within 4–8; a question citing none of them (scope, terms, annexes, the sibling
  standards) counts under "The standard and its family". A topic is a strength from
  STRENGTH_MARK up.
- Merged with the learner's stored progress (widgets.core.course.progress): a module is worth
  revisiting when its own questions in this test scored below the mark, when its knowledge
  check was attempted but not passed yet, or when it teaches a topic scored below the mark.
  Nothing is recorded: the self-test is practice, and the module checks stay the record.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from widgets.core.course.clauses import Clause, load_clauses
from widgets.core.course.course_map import CourseMap, Module
from widgets.core.course.progress import DEFAULT_PASS_MARK, ModuleProgress
from widgets.core.course.questions import (
    AttemptResult,
    Bank,
    BankError,
    Question,
    QuizAttempt,
    attempt_seed,
    bank_ids,
    load_bank,
)

SELF_TEST_ID = "self-test"
DEFAULT_SIZE = 16
STRENGTH_MARK = DEFAULT_PASS_MARK  # 0.8, the modules' default pass mark
GROUP_CLAUSES = ("4", "5", "6", "7", "8")
BASICS = "basics"
BASICS_TITLE = "The standard and its family (scope, terms, annexes, related standards)"


def load_all_banks() -> tuple[tuple[Bank, ...], tuple[str, ...]]:
    """Every question bank the course ships that loads, in id order, and one sentence per bank
    that does not (a trainer's broken edit leaves the self-test running on the others; the
    course's tests name the problem precisely)."""
    banks, problems = [], []
    for bank_id in bank_ids():
        try:
            banks.append(load_bank(bank_id))
        except BankError as error:
            problems.append(f"The question bank {bank_id!r} could not be loaded and is left out "
                            f"of the self-test ({len(error.problems)} problem(s), first: "
                            f"{error.problems[0]}).")
    return tuple(banks), tuple(problems)


def topic_of_clause(clause_id: str) -> str:
    """'4'…'8' for an ISO 10002 clause in 4–8 ('7.5' -> '7'), else BASICS."""
    head = clause_id.split(".")[0]
    return head if ":" not in clause_id and head in GROUP_CLAUSES else BASICS


def topic_of(question: Question) -> str:
    """The topic of the first clause the question cites within 4–8, else BASICS."""
    for clause_id in question.clauses:
        topic = topic_of_clause(clause_id)
        if topic != BASICS:
            return topic
    return BASICS


def topic_title(topic: str, catalogue: Mapping[str, Clause] | None = None) -> str:
    """'7 Operation of the complaints-handling process', or BASICS_TITLE."""
    if topic == BASICS:
        return BASICS_TITLE
    catalogue = catalogue if catalogue is not None else load_clauses()
    return f"{topic} {catalogue[topic].title}"


def share_out(sizes: Sequence[int], total: int) -> list[int]:
    """How many questions each bank gives: as even as possible, none more than it has.
    Extra questions go to the earlier banks. share_out([16, 3, 14], 12) == [5, 3, 4]."""
    quotas = [0] * len(sizes)
    remaining = min(total, sum(sizes))
    while remaining:
        open_banks = [n for n, size in enumerate(sizes) if quotas[n] < size]
        each, extra = divmod(remaining, len(open_banks))
        for position, n in enumerate(open_banks):
            quotas[n] += min(each + (position < extra), sizes[n] - quotas[n])
        remaining = min(total, sum(sizes)) - sum(quotas)
    return quotas


@dataclass(frozen=True)
class SelfTest:
    """A drawn self-test: the attempt (shuffled options, answers, scoring) and where each
    question came from."""

    attempt: QuizAttempt
    bank_of: Mapping[str, Bank]  # question id -> its bank
    topics: Mapping[str, str]  # question id -> topic

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.attempt.questions


def build_self_test(learner: str, attempt: int = 1, *, size: int = DEFAULT_SIZE,
                    banks: Iterable[Bank] | None = None) -> SelfTest:
    """Draw ``size`` questions (fewer if the banks hold fewer) from all banks, reproducibly
    for ``learner`` and ``attempt``; questions keep their bank's order, banks go in id order."""
    if size < 1:
        raise ValueError(f"a self-test needs at least one question (size {size})")
    banks = tuple(sorted(banks if banks is not None else load_all_banks()[0],
                         key=lambda b: b.id))
    if not banks:
        raise ValueError("no question banks found in widgets/content/questions/")
    rng = random.Random(attempt_seed(learner, SELF_TEST_ID, attempt))
    # the self-test is on the standard: questions about finding one's way around the course
    # (navigation) stay in their module's check
    pools = [tuple(q for q in bank.questions if not q.navigation) for bank in banks]
    quotas = share_out([len(pool) for pool in pools], size)
    chosen: list[Question] = []
    bank_of: dict[str, Bank] = {}
    for bank, pool, quota in zip(banks, pools, quotas, strict=True):
        picked = set(rng.sample(range(len(pool)), quota))
        for position, question in enumerate(pool):
            if position in picked:
                chosen.append(question)
                bank_of[question.id] = bank
    test_bank = Bank(
        id=SELF_TEST_ID,
        title="My knowledge: self-test",
        module="",
        pass_mark=STRENGTH_MARK,
        description="Questions drawn from every module's knowledge check.",
        questions=tuple(chosen),
        source=Path(SELF_TEST_ID),
    )
    return SelfTest(QuizAttempt(test_bank, learner, attempt), bank_of,
                    {question.id: topic_of(question) for question in chosen})


# ----------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class TopicScore:
    topic: str
    title: str
    questions: int
    score: Fraction  # mean question score

    @property
    def strength(self) -> bool:
        return self.score >= Fraction(str(STRENGTH_MARK))


@dataclass(frozen=True)
class ModuleAdvice:
    """One course module: this test's questions from its bank, its stored knowledge-check
    progress, and why it is worth revisiting (empty reasons: on track or not assessed)."""

    module: Module
    questions: int
    score: Fraction | None  # None when the test drew none of its questions
    progress: ModuleProgress | None
    reasons: tuple[str, ...]

    @property
    def revisit(self) -> bool:
        return bool(self.reasons)

    @property
    def check_status(self) -> str:
        """The knowledge check as the learner's progress file records it."""
        if self.progress is None:
            return "not attempted"
        if self.progress.completed:
            return f"passed (best {self.progress.best_score:.0%})"
        return f"not passed yet (best {self.progress.best_score:.0%})"


@dataclass(frozen=True)
class SelfTestReport:
    score: Fraction
    topics: tuple[TopicScore, ...]  # course order: basics, 4 … 8 (those drawn)
    modules: tuple[ModuleAdvice, ...]  # course order

    @property
    def strengths(self) -> tuple[TopicScore, ...]:
        return tuple(topic for topic in self.topics if topic.strength)

    @property
    def weak_topics(self) -> tuple[TopicScore, ...]:
        return tuple(topic for topic in self.topics if not topic.strength)

    @property
    def to_revisit(self) -> tuple[ModuleAdvice, ...]:
        """Modules worth revisiting, lowest self-test score first (modules with no question
        in this test last), then in course order."""
        order = {advice.module.id: n for n, advice in enumerate(self.modules)}
        return tuple(sorted(
            (advice for advice in self.modules if advice.revisit),
            key=lambda a: (a.score is None, a.score or 0, order[a.module.id])))


def _mean(scores: list[Fraction]) -> Fraction:
    return sum(scores, Fraction(0)) / len(scores)


def module_topics(module: Module) -> set[str]:
    """The topics whose clauses the module teaches."""
    return {topic_of_clause(clause_id) for clause_id in module.clauses}


def report(self_test: SelfTest, result: AttemptResult, course_map: CourseMap,
           progress: Mapping[str, ModuleProgress],
           catalogue: Mapping[str, Clause] | None = None) -> SelfTestReport:
    """Scores per topic and per module, merged with the stored progress of each module."""
    catalogue = catalogue if catalogue is not None else load_clauses()
    by_topic: dict[str, list[Fraction]] = {}
    by_module: dict[str, list[Fraction]] = {}
    for outcome in result.results:
        question_id = outcome.question.id
        by_topic.setdefault(self_test.topics[question_id], []).append(outcome.score)
        by_module.setdefault(self_test.bank_of[question_id].module, []).append(outcome.score)
    topics = tuple(
        TopicScore(topic, topic_title(topic, catalogue), len(by_topic[topic]),
                   _mean(by_topic[topic]))
        for topic in (BASICS, *GROUP_CLAUSES) if topic in by_topic)
    weak = {topic.topic: topic for topic in topics if not topic.strength}
    mark = Fraction(str(STRENGTH_MARK))
    modules = []
    for module in course_map.modules:
        scores = by_module.get(module.id, [])
        score = _mean(scores) if scores else None
        stored = progress.get(module.id)
        reasons = []
        if score is not None and score < mark:
            reasons.append(f"{float(score):.0%} on its {len(scores)} question(s) in this test")
        if stored is not None and not stored.completed:
            reasons.append(f"its knowledge check is not passed yet (best "
                           f"{stored.best_score:.0%})")
        taught_weak = sorted(module_topics(module) & set(weak),
                             key=lambda t: (t != BASICS, t))
        if taught_weak:
            reasons.append("it teaches a topic to work on: "
                           + "; ".join(weak[t].title for t in taught_weak))
        modules.append(ModuleAdvice(module, len(scores), score, stored, tuple(reasons)))
    return SelfTestReport(result.score, topics, tuple(modules))
