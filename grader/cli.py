"""The instructor's command line (`make release`, `make grade`, `make report` and `make demo` call it).

    python -m grader release [ASSIGNMENT ...]     source/ -> release/
    python -m grader grade [--workers N] [--unsafe]
    python -m grader report                       reports/ again from the gradebook, without grading
    python -m grader demo [--dir DIR] [ASSIGNMENT ...]
    python -m grader check                        can the sandbox run here?
    python -m grader collect FROM --assignment AID [--lms LMS] [--roster CSV]   an LMS download -> submitted/
    python -m grader export --lms LMS [--roster CSV] [--assignment AID ...]    grades and feedback -> exports/<lms>/
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from grader.pipeline import GradingError, course_root, demo, grade, release, score_table
from grader.release import configured_repository, placeholder_warning

LMS_NAMES = ("canvas", "moodle", "blackboard", "classroom")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description="Deep Learning Basics: release and grade.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("release", help="source/ -> release/").add_argument("assignments", nargs="*")
    grade_parser = commands.add_parser("grade", help="submitted/ -> autograded/, feedback/, grades.csv")
    grade_parser.add_argument("--workers", type=int, default=None,
                              help="submissions graded at once, each in its own sandboxes (default: one per core)")
    grade_parser.add_argument("--unsafe", action="store_true",
                              help="run student code WITHOUT the sandbox (only for submissions you trust)")
    grade_parser.add_argument("--scheduler", default="",
                              help="address of a Dask scheduler (tcp://host:8786): run the kernels on its workers")
    commands.add_parser("report", help="reports/: the grading report again from the gradebook, without grading")
    demo_parser = commands.add_parser("demo", help="grade a sample class in a scratch folder")
    demo_parser.add_argument("--dir", type=Path, default=None, help="scratch folder (default: a new temporary one)")
    demo_parser.add_argument("assignments", nargs="*", default=["01_tensors"])
    commands.add_parser("check", help="say whether the sandbox can run on this machine (run it in the course root)")
    collect_parser = commands.add_parser("collect", help="an LMS's 'download all submissions' -> submitted/")
    collect_parser.add_argument("source", type=Path, help="the downloaded zip, or the folder it was unpacked into")
    collect_parser.add_argument("--assignment", required=True, help="the assignment id, e.g. 01_tensors")
    collect_parser.add_argument("--lms", choices=LMS_NAMES, default=None, help="default: detected from the file names")
    collect_parser.add_argument("--roster", type=Path, default=None, help="CSV mapping LMS ids and names to student ids")
    export_parser = commands.add_parser("export", help="grades and feedback -> exports/<lms>/, as the LMS imports them")
    export_parser.add_argument("--lms", choices=LMS_NAMES, required=True)
    export_parser.add_argument("--roster", type=Path, default=None, help="CSV with the LMS's ids of each student")
    export_parser.add_argument("--assignment", action="append", default=None, help="only this one (repeatable)")
    args = parser.parse_args(argv)
    try:
        if args.command == "release":
            for path in release(course_root(), args.assignments):
                print("released", path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
            if warning := placeholder_warning(configured_repository(course_root())):
                print(warning, file=sys.stderr)
        elif args.command == "grade":
            grades_csv = grade(course_root(), workers=args.workers, unsafe=args.unsafe, scheduler=args.scheduler)
            print(score_table(grades_csv))
            print(f"\nwrote {grades_csv}, autograded/ and feedback/")
        elif args.command == "report":
            from grader.report import write_reports  # here, so that the other commands need no plotly

            for path in write_reports(course_root()):
                print("wrote", path)
        elif args.command == "collect":
            from grader.collect import collect  # here, so that the other commands need not load it

            print(collect(course_root(), args.source, args.assignment, lms=args.lms, roster=args.roster).text())
        elif args.command == "export":
            from grader.export import export  # here, so that the other commands need no plotly

            print(export(course_root(), args.lms, roster=args.roster, assignments=args.assignment).text())
        elif args.command == "check":
            from grader.sandbox.pool import main as pool_main

            return pool_main(["check"])
        else:
            directory = args.dir or Path(tempfile.mkdtemp(prefix="dlb-demo-"))
            print(f"Demo class in {directory}: ada_solved (the solutions), bob_blank (the untouched release), "
                  f"cy_partial (every other exercise left blank). Grading {', '.join(args.assignments)} ...")
            print(demo(directory, args.assignments))
            print(f"\nFeedback: {directory}/feedback/<student>/<assignment>/*.html")
    except GradingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
