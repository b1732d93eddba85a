"""The one place nbgrader is configured for Deep Learning Basics.

Commands run from this folder (the course root): source/ -> release/ (generate_assignment),
submitted/ -> autograded/ (autograde) -> feedback/ (generate_feedback), gradebook.db, grades.csv.
"""
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "deep-learning-basics"

# Release: solution regions become `...`, so a blank exercise is plain Python that runs and returns
# None; the checks in course.checks then say "replace the `...` with your code".
c.ClearSolutions.code_stub = {"python": "..."}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Hidden tests (### BEGIN/END HIDDEN TESTS) are saved to the gradebook, stripped from the release and
# written back over every test cell at grading (nbgrader's default; stated here so it stays so).
c.ClearHiddenTests.enforce_metadata = True
c.GenerateAssignment.create_assignment = True

# Grading restores test cells a student deleted (they are otherwise scored as missing, not as failed).
c.OverwriteCells.add_missing_cells = True

# Every notebook runs on the kernel the source notebook names ("python3"), whatever the submission says.
c.Execute.kernel_name = "python3"
# Per-cell time limit in seconds. The slowest cell is 05's CNN training; README "Timings" gives the
# measured times this limit was set from.
c.Execute.timeout = 300

# nbgrader scores a test cell 0 if it wrote anything to stderr. TensorFlow, absl and Python's warnings
# module write harmless logs there, so those outputs are removed before scoring. A test still fails
# whenever it raises, so a wrong answer that merely warns still loses its marks.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?m)(Warning: |WARNING|^[IWE]\d{4} \d\d:\d\d|^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWE] "
    r"|absl::InitializeLog|oneDNN custom operations|rebuild TensorFlow with the appropriate compiler flags)"
)
