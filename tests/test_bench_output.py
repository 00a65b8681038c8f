"""Where `make bench` writes its report (issue 14): a quick `--scale` < 1 run
never overwrites the committed bench/RESULTS.md."""

import subprocess

from bench.run import BENCH_DIR, RESULTS_PATH, SMALL_RESULTS_PATH, parse_args


def test_a_small_run_writes_its_report_next_to_the_logs_not_over_results_md():
    assert parse_args(["--scale", "0.01"]).output == BENCH_DIR / "data" / "RESULTS-small.md"
    assert parse_args(["--scale", "0.5", "--only", "vectors"]).output == SMALL_RESULTS_PATH


def test_the_full_run_and_an_explicit_output_keep_their_place(tmp_path):
    assert parse_args([]).output == BENCH_DIR / "RESULTS.md"
    assert parse_args(["--scale", "1"]).output == RESULTS_PATH
    assert parse_args(["--scale", "0.01", "--output", str(tmp_path / "r.md")]).output == tmp_path / "r.md"


def test_the_small_report_is_git_ignored():
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", str(SMALL_RESULTS_PATH)], cwd=BENCH_DIR.parent
    )
    assert ignored.returncode == 0


def test_a_small_run_times_fewer_requests_unless_told_otherwise():
    small = parse_args(["--scale", "0.01"])
    assert (small.requests, small.warmup, small.duration) == (5, 1, 10)
    full = parse_args([])
    assert (full.requests, full.warmup, full.duration) == (30, 3, 30)
    told = parse_args(["--scale", "0.01", "--requests", "30", "--warmup", "0"])
    assert (told.requests, told.warmup, told.duration) == (30, 0, 10)
