"""The only grader code that runs inside a student's kernel during grading.

`agent` answers the checker's requests for the student's names and calls; `wire` is the format both sides
speak. Neither holds a test, a solution or a verdict: the checker, in its own process, decides every score.
In the student's sandbox this folder is mounted as the package `dlb_bridge`.
"""
