"""The instructor's side of Deep Learning Basics: release, intake, sandbox, checker, feedback and the command line.

A student's kernel never imports this package (its sandbox cannot even see it); only `grader.bridge`, the
agent that answers the checker, runs there. Run `python -m grader --help`.
"""
