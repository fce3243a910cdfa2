"""Plain pytest tests of the scheduling engine (prod_planning/engine/scheduling*).

No Odoo and no database: the engine package is loaded from its files under its
own name (as in test_engine_mrp.py), so the addon's ``__init__`` never runs for
it, and pytest-odoo's session fixtures are overridden for this module. Ways to
run them:

* in the whole suite: ``scripts/test``;
* alone, with pytest-odoo (the database is never opened):
  ``python3 -m pytest --odoo-database=unused --odoo-addons-path=<odoo>/addons,<repo>
  prod_planning/tests/test_engine_scheduling.py``;
* alone, without Odoo: ``python3 prod_planning/tests/test_engine_scheduling.py``.
"""

import copy
import itertools
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if __package__:
    from . import engine_loader
else:  # run as a script, without Odoo (see the __main__ block)
    import engine_loader

sched = engine_loader.load_engine_module("scheduling")
calmod = engine_loader.load_engine_module("scheduling_calendar")
cpsat = engine_loader.load_engine_module("scheduling_cpsat")
Resource, Operation, Job, Problem = (sched.Resource, sched.Operation, sched.Job, sched.Problem)
Calendar = sched.Calendar
DAY = 24 * 60
HAS_ORTOOLS = sched.ortools_available()
needs_ortools = pytest.mark.skipif(not HAS_ORTOOLS, reason="ortools not installed")


# pytest-odoo opens no registry for these tests.
load_registry, load_http = engine_loader.without_registry()


def shifts(days=14, start=8 * 60, end=16 * 60, weekdays=5):
    """Working intervals 08:00-16:00 on the first ``weekdays`` days of each
    week, from a Monday 00:00 origin."""
    return [(d * DAY + start, d * DAY + end) for d in range(days) if d % 7 < weekdays]


def quick(problem, **kwargs):
    kwargs.setdefault("time_limit", 5.0)
    kwargs.setdefault("heuristic_time", 0.02)
    return sched.solve(problem, **kwargs)


def assert_valid(problem, schedule):
    problems = sched.validate(problem, schedule)
    assert problems == [], [str(p) for p in problems]


def kinds(problem, schedule):
    return {v.kind for v in sched.validate(problem, schedule)}


# ----------------------------------------------------------------- calendars


class TestCalendar:
    cal = Calendar(shifts())

    def test_add_spans_breaks(self):
        assert self.cal.add(480, 60) == 540
        assert self.cal.add(480, 480) == 960  # a full shift ends at 16:00
        assert self.cal.add(480, 600) == DAY + 480 + 120  # next morning 10:00
        friday = 4 * DAY + 14 * 60
        assert self.cal.add(friday, 600) == 7 * DAY + 16 * 60  # Monday 16:00

    def test_next_start_latest_end_sub(self):
        assert self.cal.next_start(0) == 480
        assert self.cal.next_start(500) == 500
        assert self.cal.next_start(960) == DAY + 480
        assert self.cal.next_start(5 * DAY) == 7 * DAY + 480  # Saturday -> Monday
        assert self.cal.latest_end(DAY + 100) == 960
        assert self.cal.latest_end(DAY + 500) == DAY + 500
        assert self.cal.sub(DAY + 600, 600) == 480
        assert self.cal.sub(500, 60) is None  # before the first shift
        assert not self.cal.is_working(960)
        assert self.cal.is_working(959)

    def test_open_ended_tail_and_always(self):
        cal = Calendar([(0, 100)])
        assert cal.horizon_end == 100
        assert cal.add(50, 200) == 250  # continues after the last interval
        always = Calendar(None)
        assert always.add(-5, 10) == 5
        assert always.next_start(-7) == -7
        assert Calendar([]).next_start(-3) == 0

    @settings(max_examples=60, deadline=None)
    @given(seed=st.integers(0, 10**6), d=st.integers(1, 150), lo=st.integers(0, 300))
    def test_modes_match_add(self, seed, d, lo):
        """Every start of a mode ends at start + length, and every working start
        whose end fits the horizon is in exactly one mode."""
        rng = random.Random(seed)
        t, intervals = 0, []
        for _ in range(rng.randint(1, 6)):
            t += rng.randint(0, 40)
            length = rng.randint(1, 60)
            intervals.append((t, t + length))
            t += length
        cal = Calendar(intervals)
        hi = lo + 500
        modes = cal.modes(d, lo, hi)
        covered = {}
        for length, ranges in modes.items():
            for a, b in ranges:
                for s in range(a, b + 1):
                    assert s not in covered
                    covered[s] = length
        for s in range(lo, hi):
            end = cal.add(s, d)
            if cal.is_working(s) and end <= hi:
                assert covered.get(s) == end - s
            else:
                assert s not in covered


# ----------------------------------------------------------- small schedules


def one_resource(capacity=1, available=None):
    return [Resource("R", capacity=capacity, available=available)]


class TestBehaviour:
    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_operation_longer_than_a_shift_spans_next_day(self, use_cp_sat):
        problem = Problem(one_resource(available=shifts()), [Job("J", operations=[Operation("o", "J", {"R": 600})])])
        result = quick(problem, use_cp_sat=use_cp_sat)
        a = result.assignments["o"]
        assert (a.start, a.end) == (480, DAY + 600)
        assert_valid(problem, result)

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_friday_start_continues_monday(self, use_cp_sat):
        friday_2pm = 4 * DAY + 14 * 60
        problem = Problem(
            one_resource(available=shifts()),
            [Job("J", release=friday_2pm, operations=[Operation("o", "J", {"R": 600})])],
        )
        a = quick(problem, use_cp_sat=use_cp_sat).assignments["o"]
        assert (a.start, a.end) == (friday_2pm, 7 * DAY + 16 * 60)

    def test_release_waits_for_working_time(self):
        problem = Problem(
            one_resource(available=shifts()), [Job("J", release=7 * 60, operations=[Operation("o", "J", {"R": 30})])]
        )
        a = quick(problem).assignments["o"]
        assert (a.start, a.end) == (480, 510)

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_fixed_operations_are_kept(self, use_cp_sat):
        problem = Problem(
            one_resource(),
            [
                Job(
                    "A",
                    operations=[
                        Operation("a1", "A", {"R": 50}, fixed=("R", 20, 70)),
                        Operation("a2", "A", {"R": 10}, predecessors=["a1"]),
                    ],
                ),
                Job("B", operations=[Operation("b1", "B", {"R": 30})]),
            ],
        )
        result = quick(problem, use_cp_sat=use_cp_sat)
        a1 = result.assignments["a1"]
        assert (a1.resource, a1.start, a1.end, a1.fixed) == ("R", 20, 70, True)
        assert result.assignments["a2"].start >= 70
        b1 = result.assignments["b1"]
        assert b1.end <= 20 or b1.start >= 70
        assert_valid(problem, result)

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_past_due_date_gives_lateness(self, use_cp_sat):
        problem = Problem(one_resource(), [Job("J", weight=2, due=-100, operations=[Operation("o", "J", {"R": 30})])])
        result = quick(problem, use_cp_sat=use_cp_sat)
        job = result.jobs["J"]
        assert (job.finish, job.lateness, job.earliness) == (30, 130, 0)
        assert job.weighted_tardiness == 260
        assert result.total_weighted_tardiness == 260
        assert result.late_jobs == ["J"]

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_backward_is_just_in_time(self, use_cp_sat):
        problem = Problem(
            [Resource("R"), Resource("S")],
            [
                Job(
                    "J",
                    due=500,
                    operations=[Operation("o1", "J", {"R": 30}), Operation("o2", "J", {"S": 60}, predecessors=["o1"])],
                )
            ],
        )
        result = quick(problem, strategy="backward", use_cp_sat=use_cp_sat)
        got = {k: (a.start, a.end) for k, a in result.assignments.items()}
        assert got == {"o1": (410, 440), "o2": (440, 500)}
        assert result.jobs["J"].earliness == 0
        forward = quick(problem, use_cp_sat=use_cp_sat)
        assert forward.assignments["o1"].start == 0
        assert forward.jobs["J"].earliness == 410

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_backward_with_calendar_finishes_at_last_shift_end(self, use_cp_sat):
        problem = Problem(
            one_resource(available=shifts()),
            [
                Job(
                    "J",
                    due=DAY + 17 * 60,  # Tuesday 17:00, the shift ends at 16:00
                    operations=[Operation("o", "J", {"R": 600})],
                )
            ],
        )
        result = quick(problem, strategy="backward", use_cp_sat=use_cp_sat)
        a = result.assignments["o"]
        assert (a.start, a.end) == (14 * 60, DAY + 16 * 60)
        assert_valid(problem, result)

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_backward_competing_jobs_are_not_late(self, use_cp_sat):
        ops = [Operation(f"o{k}", f"J{k}", {"R": 60}) for k in range(3)]
        problem = Problem(one_resource(), [Job(f"J{k}", due=300, operations=[ops[k]]) for k in range(3)])
        result = quick(problem, strategy="backward", use_cp_sat=use_cp_sat)
        ends = sorted(a.end for a in result.assignments.values())
        assert ends == [180, 240, 300]
        assert result.total_weighted_tardiness == 0

    def test_alternatives_run_in_parallel(self):
        problem = Problem(
            [Resource("R1"), Resource("R2")],
            [Job(f"J{k}", operations=[Operation(f"o{k}", f"J{k}", {"R1": 40, "R2": 50})]) for k in range(2)],
        )
        for use_cp_sat in (False, True):
            result = quick(problem, use_cp_sat=use_cp_sat)
            assert result.makespan == 50
            assert {a.resource for a in result.assignments.values()} == {"R1", "R2"}

    @pytest.mark.parametrize("use_cp_sat", [False, True])
    def test_capacity_two(self, use_cp_sat):
        problem = Problem(
            one_resource(capacity=2),
            [Job(f"J{k}", operations=[Operation(f"o{k}", f"J{k}", {"R": 60})]) for k in range(3)],
        )
        result = quick(problem, use_cp_sat=use_cp_sat)
        assert result.makespan == 120
        assert_valid(problem, result)

    def test_cross_job_predecessor_and_zero_duration(self):
        problem = Problem(
            one_resource(),
            [
                Job("A", operations=[Operation("a", "A", {"R": 30})]),
                Job(
                    "B",
                    operations=[
                        Operation("b0", "B", {"R": 0}, predecessors=["a"]),
                        Operation("b1", "B", {"R": 20}, predecessors=["b0"]),
                    ],
                ),
            ],
        )
        for use_cp_sat in (False, True):
            result = quick(problem, use_cp_sat=use_cp_sat)
            b0 = result.assignments["b0"]
            assert b0.start == b0.end >= 30
            assert result.makespan == 50
            assert_valid(problem, result)

    def test_beyond_calendar_warns(self):
        problem = Problem(one_resource(available=[(0, 60)]), [Job("J", operations=[Operation("o", "J", {"R": 100})])])
        result = quick(problem, use_cp_sat=False)
        assert result.assignments["o"].end == 100
        assert result.warnings and "after the end of the calendar" in result.warnings[0]

    def test_malformed_problems(self):
        ops = [Operation("a", "J", {"R": 1}, predecessors=["b"]), Operation("b", "J", {"R": 1}, predecessors=["a"])]
        with pytest.raises(sched.ProblemError, match="cycle") as cycle:
            sched.solve(Problem(one_resource(), [Job("J", operations=ops)]))
        # A code and the keys, for callers that word the error themselves.
        assert cycle.value.code == "precedence_cycle"
        assert cycle.value.values == {"operations": ["a", "b"]}
        bad_resource = [Job("J", operations=[Operation("a", "J", {"X": 1})])]
        with pytest.raises(sched.ProblemError, match="unknown resource") as unknown:
            sched.solve(Problem(one_resource(), bad_resource))
        assert unknown.value.code == "unknown_resource"
        assert unknown.value.values == {"operation": "a", "resource": "X"}
        bad_pred = [Job("J", operations=[Operation("a", "J", {"R": 1}, ["zz"])])]
        with pytest.raises(sched.ProblemError, match="unknown predecessor") as pred:
            sched.solve(Problem(one_resource(), bad_pred))
        assert (pred.value.code, pred.value.values) == ("unknown_predecessor", {"operation": "a", "predecessor": "zz"})
        with pytest.raises(ValueError, match="strategy"):
            sched.solve(Problem(one_resource(), []), strategy="sideways")

    def test_empty_problem(self):
        result = sched.solve(Problem(one_resource(), []))
        assert result.makespan == 0 and result.assignments == {}


# ------------------------------------------------------------------ validate


def validation_problem():
    return Problem(
        [Resource("R1", available=shifts()), Resource("R2")],
        [
            Job(
                "A",
                release=500,
                due=DAY,
                operations=[
                    Operation("a1", "A", {"R1": 60, "R2": 90}),
                    Operation("a2", "A", {"R2": 30}, predecessors=["a1"]),
                ],
            ),
            Job("B", operations=[Operation("b1", "B", {"R2": 30}, fixed=("R2", 0, 30))]),
            Job("C", operations=[Operation("c1", "C", {"R2": 40})]),
        ],
    )


class TestValidate:
    problem = validation_problem()
    good = quick(problem, use_cp_sat=False)

    def broken(self, op, **changes):
        schedule = copy.deepcopy(self.good)
        for field, value in changes.items():
            setattr(schedule.assignments[op], field, value)
        return schedule

    def test_good_schedule(self):
        assert_valid(self.problem, self.good)
        got = {k: (a.resource, a.start, a.end) for k, a in self.good.assignments.items()}
        assert got == {"a1": ("R1", 500, 560), "a2": ("R2", 560, 590), "b1": ("R2", 0, 30), "c1": ("R2", 30, 70)}

    def test_missing_and_unknown(self):
        schedule = copy.deepcopy(self.good)
        del schedule.assignments["a2"]
        assert "missing" in kinds(self.problem, schedule)
        schedule = copy.deepcopy(self.good)
        schedule.assignments["zz"] = copy.copy(schedule.assignments["a2"])
        assert "missing" in kinds(self.problem, schedule)

    def test_resource(self):
        assert "resource" in kinds(self.problem, self.broken("a2", resource="R1"))
        assert "resource" in kinds(self.problem, self.broken("a2", resource="R9"))

    def test_fixed_moved(self):
        assert "fixed" in kinds(self.problem, self.broken("b1", start=5, end=35))

    def test_release(self):
        # on R2 (always available): 90 minutes from 400, before the release 500
        schedule = self.broken("a1", resource="R2", start=400, end=490)
        assert kinds(self.problem, schedule) >= {"release"}

    def test_calendar(self):
        off_shift = self.broken("a1", start=1000, end=1060)  # 16:40, after 16:00
        assert "calendar" in kinds(self.problem, off_shift)
        assert "calendar" not in kinds(self.problem, self.broken("a1", start=900, end=960))
        wrong_end = self.broken("a1", start=900, end=970)  # 60 minutes end at 16:00
        assert "calendar" in kinds(self.problem, wrong_end)
        spans = self.broken("a1", start=930, end=990)  # must continue next day
        assert "calendar" in kinds(self.problem, spans)

    def test_precedence(self):
        schedule = self.broken("a2", start=540, end=570)
        assert "precedence" in kinds(self.problem, schedule)

    def test_capacity(self):
        schedule = self.broken("c1", start=10, end=50)  # over the fixed b1
        assert "capacity" in kinds(self.problem, schedule)

    def test_job_results(self):
        schedule = copy.deepcopy(self.good)
        schedule.jobs["A"].finish += 1
        assert kinds(self.problem, schedule) == {"job"}

    def test_overlapping_fixed_operations_alone_are_not_reported(self):
        problem = Problem(
            one_resource(), [Job(k, operations=[Operation(k + "1", k, {"R": 5}, fixed=("R", 0, 5))]) for k in "AB"]
        )
        assert_valid(problem, quick(problem))


# --------------------------------------------------- random problems, validity


def random_problem(seed, max_jobs=4):
    rng = random.Random(seed)
    period = rng.choice((100, 120))
    resources = []
    for r in range(rng.randint(1, 3)):
        available = None
        if rng.random() < 0.6:
            available = [
                (k * period + rng.randint(0, 20), k * period + rng.randint(50, 80))
                for k in range(30)
                if rng.random() < 0.85
            ]
        capacity = 2 if rng.random() < 0.2 else 1
        resources.append(Resource(f"R{r}", capacity=capacity, available=available))
    keys = [r.key for r in resources]
    jobs, all_ops = [], []
    for j in range(rng.randint(1, max_jobs)):
        ops = []
        for k in range(rng.randint(1, 3)):
            chosen = rng.sample(keys, rng.randint(1, len(keys)))
            alternatives = {r: (0 if rng.random() < 0.05 else rng.randint(1, 90)) for r in chosen}
            preds = [ops[-1].key] if ops else []
            if all_ops and rng.random() < 0.15:
                preds.append(rng.choice(all_ops).key)
            ops.append(Operation(f"J{j}-{k}", f"J{j}", alternatives, preds))
        if rng.random() < 0.25:
            first = ops[0]
            first.predecessors = []
            rkey = rng.choice(keys)
            start = rng.randint(0, 150)
            first.fixed = (rkey, start, start + rng.randint(0, 60))
        all_ops.extend(ops)
        jobs.append(
            Job(
                f"J{j}",
                weight=rng.choice((1, 2, 1.5)),
                release=rng.randint(-20, 200),
                due=None if rng.random() < 0.3 else rng.randint(-50, 600),
                operations=ops,
            )
        )
    return Problem(resources, jobs, name=f"random-{seed}")


class TestRandomProblems:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 10**9), strategy=st.sampled_from(["forward", "backward"]))
    def test_heuristic_valid(self, seed, strategy):
        problem = random_problem(seed)
        result = quick(problem, strategy=strategy, use_cp_sat=False)
        assert_valid(problem, result)
        assert result.method == "heuristic"
        assert result.status is sched.SolveStatus.HEURISTIC

    @needs_ortools
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 10**9), strategy=st.sampled_from(["forward", "backward"]))
    def test_cp_sat_valid_and_not_worse(self, seed, strategy):
        problem = random_problem(seed)
        result = quick(problem, strategy=strategy, time_limit=3.0)
        assert_valid(problem, result)
        assert result.objective_value <= result.heuristic_value + 1e-6
        if result.lower_bound is not None:
            assert result.lower_bound <= result.objective_value + 1e-6
            assert 0 <= result.gap <= 100


# ----------------------------------------------------- optimality (brute force)


def random_jobshop(seed, n=3, m=3):
    rng = random.Random(seed)
    lines = [f"{n} {m}", "# random instance"]
    for _ in range(n):
        machines = rng.sample(range(m), m)
        lines.append(" ".join(f"{mc} {rng.randint(1, 9)}" for mc in machines))
    return "\n".join(lines) + "\n"


def brute_force_makespan(problem):
    """Minimum makespan over every machine sequence (semi-active schedules)."""
    ops = {op.key: op for job in problem.jobs for op in job.operations}
    machines = {}
    for op in ops.values():
        (machine,) = op.alternatives
        machines.setdefault(machine, []).append(op.key)
    best = None
    for orders in itertools.product(*(itertools.permutations(keys) for keys in machines.values())):
        preds = {key: list(op.predecessors) for key, op in ops.items()}
        for order in orders:
            for a, b in itertools.pairwise(order):
                preds[b].append(a)
        end, done = {}, True
        pending = list(ops)
        while pending and done:
            done = False
            for key in list(pending):
                if all(p in end for p in preds[key]):
                    start = max((end[p] for p in preds[key]), default=0)
                    end[key] = start + next(iter(ops[key].alternatives.values()))
                    pending.remove(key)
                    done = True
        if not pending:
            makespan = max(end.values())
            best = makespan if best is None else min(best, makespan)
    return best


def brute_force_single_machine(jobs, calendar):
    """Minimum weighted tardiness on one machine (jobs = (release, due, w, d))."""
    best = None
    for order in itertools.permutations(range(len(jobs))):
        t, total = 0, 0
        for k in order:
            release, due, weight, duration = jobs[k]
            start = calendar.next_start(max(t, release))
            t = calendar.add(start, duration)
            total += weight * max(0, t - due)
        best = total if best is None else min(best, total)
    return best


@needs_ortools
class TestOptimality:
    @pytest.mark.parametrize("seed", range(4))
    def test_jobshop_3x3_optimum(self, seed):
        problem = sched.read_jsplib(random_jobshop(seed))
        result = quick(problem)
        assert result.method == "cp-sat optimal"
        assert result.status is sched.SolveStatus.CP_SAT_OPTIMAL
        assert result.makespan == brute_force_makespan(problem)
        assert result.lower_bound == result.makespan and result.gap == 0
        assert_valid(problem, result)

    @pytest.mark.parametrize("seed", range(4))
    def test_weighted_tardiness_with_calendar_optimum(self, seed):
        rng = random.Random(seed)
        available = shifts(days=7, start=0, end=300) if seed % 2 else None
        data = [(rng.randint(0, 300), rng.randint(50, 700), rng.randint(1, 3), rng.randint(20, 200)) for _ in range(5)]
        problem = Problem(
            one_resource(available=available),
            [
                Job(f"J{k}", weight=w, release=rel, due=due, operations=[Operation(f"o{k}", f"J{k}", {"R": d})])
                for k, (rel, due, w, d) in enumerate(data)
            ],
        )
        expected = brute_force_single_machine(data, Calendar(available))
        result = quick(problem)
        assert result.method == "cp-sat optimal"
        assert result.total_weighted_tardiness == expected
        assert_valid(problem, result)


# ------------------------------------------------------- CP-SAT safety nets


class TestFallbacks:
    def calendar_problem(self):
        return Problem(
            one_resource(available=shifts()),
            [Job(f"J{k}", due=600, operations=[Operation(f"o{k}", f"J{k}", {"R": 300})]) for k in range(2)],
        )

    def test_without_ortools(self, monkeypatch):
        monkeypatch.setattr(sched, "ortools_available", lambda: False)
        problem = self.calendar_problem()
        result = quick(problem)
        assert result.method == "heuristic (cp-sat unavailable)"
        assert result.status is sched.SolveStatus.CP_SAT_UNAVAILABLE
        assert result.lower_bound is None
        assert_valid(problem, result)

    @needs_ortools
    def test_invalid_cp_sat_solution_is_rejected(self, monkeypatch):
        """A CP-SAT model that ignores the calendar yields schedules that
        validate() refuses: the heuristic's schedule is returned."""

        def no_calendar_modes(self, d, lo, hi_end):
            return {d: [(lo, hi_end - d)]}

        monkeypatch.setattr(calmod.Calendar, "modes", no_calendar_modes)
        problem = self.calendar_problem()
        result = quick(problem)
        assert result.method.startswith("heuristic")
        assert "rejected" in result.method
        assert result.status is sched.SolveStatus.CP_SAT_NO_GAIN
        assert_valid(problem, result)

    def test_the_engine_owns_the_heuristic_time(self):
        """Callers give the time limit; the engine splits it (alone, the
        heuristic improves its schedule for at most 1 s)."""
        prep = sched.Prepared(self.calendar_problem())
        assert sched.default_heuristic_time(prep, 10.0, False) == 1.0
        assert sched.default_heuristic_time(prep, 0.5, False) == 0.25
        assert sched.default_heuristic_time(prep, 10.0, True) == 0.5

    @needs_ortools
    def test_no_time_left_returns_heuristic(self):
        problem = random_problem(7, max_jobs=6)
        result = sched.solve(problem, time_limit=0.0)
        assert result.method == "heuristic (cp-sat timeout)"
        assert result.status is sched.SolveStatus.CP_SAT_TIMEOUT
        assert_valid(problem, result)


# ------------------------------------------------------------------ JSPLIB


class TestJsplib:
    def test_read(self):
        problem = sched.read_jsplib("# comment\n2 2\n0 5 1 4\n\n1 3 0 2\n")
        assert [r.key for r in problem.resources] == [0, 1]
        ops = problem.jobs[1].operations
        assert [(o.key, o.alternatives, o.predecessors) for o in ops] == [
            ((1, 0), {1: 3}, []),
            ((1, 1), {0: 2}, [(1, 0)]),
        ]
        result = quick(problem)
        assert result.objective == "makespan"
        assert result.makespan == 9

    @pytest.mark.parametrize("text", ["", "2 2\n0 5 1 4\n", "1 2\n0 5 1\n", "1 2\n0 5 7 4\n", "1 2\nx y\n"])
    def test_malformed(self, text):
        with pytest.raises(sched.ProblemError):
            sched.read_jsplib(text)

    @needs_ortools
    def test_ft06_reaches_its_optimum(self):
        """ft06 (6 x 6, optimum 55) read from its JSPLIB text file."""
        text = (Path(__file__).parent / "data" / "ft06.txt").read_text()
        problem = sched.read_jsplib(text, "ft06")
        assert len(problem.jobs) == 6
        result = quick(problem, time_limit=10.0)
        assert result.makespan == 55
        assert_valid(problem, result)


if __name__ == "__main__":
    sys.exit(engine_loader.run_test_file_without_odoo(__file__, sys.argv[1:]))
