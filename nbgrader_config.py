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
# Per-cell time limit in seconds. The slowest cell is 05's CNN training; docs/timings.md gives the
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

# ---- Colab and feedback (grader/release.py, grader/feedback.py) ----------------------------------------
# The course repository on GitHub, the one place it is set: `make release` writes it into each release
# notebook's "Open in Colab" badge and into the setup cell's install command. Set it in your fork.
COURSE_REPOSITORY = "deep-learning-basics/deep-learning-basics"  # owner/name
COURSE_BRANCH = "main"
c.StampColab.repository = COURSE_REPOSITORY
c.StampColab.branch = COURSE_BRANCH

from nbgrader.converters import GenerateAssignment as _Generate  # noqa: E402
from nbgrader.converters import GenerateFeedback as _Feedback  # noqa: E402

# Stamp first (so the gradebook saves what students get); add the self-check cell last (after the
# hidden tests are stripped, so it holds only visible tests).
# ClearSolutionsInline replaces nbgrader's ClearSolutions: it also blanks `x = ...  # SOLUTION` lines.
from nbgrader.preprocessors import ClearSolutions as _ClearSolutions  # noqa: E402

c.GenerateAssignment.preprocessors = [
    "grader.release.StampColab",
    *("grader.release.ClearSolutionsInline" if step is _ClearSolutions else step
      for step in _Generate.class_traits()["preprocessors"].default()),
    "grader.release.AddSelfCheck",
]
# Feedback shows which hidden checks failed, with their messages, but never their code; and nothing in it runs
# (no student script or event handler fires in the browser of whoever opens it).
c.GenerateFeedback.preprocessors = [
    "grader.feedback.HideHiddenTests",
    "grader.feedback.SanitizeActiveContent",
    *_Feedback.class_traits()["preprocessors"].default(),
]

# ---- Autograding: the checker and the sandboxes (grader/checker, grader/sandbox; docs/honest-grading.md) -----
# Each submission runs in two sandboxed kernels (bubblewrap): the student's, which runs every cell the student
# could write, and the checker, which runs the setup and test cells and nothing else; nbgrader scores the
# checker's outputs. Student code never reaches the tests, the gradebook, the course files or the network.
# Scoring, late penalties and feedback stay nbgrader's: only the Execute step is replaced. Without bubblewrap,
# autograding refuses to run; `--CheckedExecute.unsafe=True` (`make grade UNSAFE=1`) runs both kernels
# unsandboxed, for trusted test runs only.
from nbgrader.converters import Autograde as _Autograde  # noqa: E402
from nbgrader.preprocessors import Execute as _Execute  # noqa: E402

c.Autograde.autograde_preprocessors = [
    "grader.checker.execute.CheckedExecute" if step is _Execute else step
    for step in _Autograde.class_traits()["autograde_preprocessors"].default()
]
c.CheckedExecute.backend = "bubblewrap"
c.CheckedExecute.call_timeout = 60             # seconds for one call from a test into student code
c.CheckedExecute.memory_limit = 4 * 2**30      # bytes per process (and per sandbox, where cgroups work)
c.CheckedExecute.process_limit = 512           # processes + threads per sandbox (stops fork bombs)
c.CheckedExecute.cpu_time_limit = 3600         # CPU seconds per process
c.CheckedExecute.disk_limit = 2**30            # bytes of each scratch folder (home, /tmp, /dev/shm) and file
c.CheckedExecute.wall_time_limit = 1800        # seconds per notebook; each cell also has Execute.timeout
# ---- end of the checker block ----------------------------------------------------------------------------
