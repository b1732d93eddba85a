"""Does `make collect` put each LMS's download into submitted/ under the right ids, and refuse what is unsafe?
(grader/collect.py, grader/lms_formats.py, grader/safe_extract.py; fast: no notebook runs)"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest

from grader.base import GradingError
from grader.collect import collect
from grader.lms_formats import FORMATS, detect
from grader.safe_extract import SafeExtractor
from lms_downloads import LMSES, Person, name_in_download, receipt, write_zip, zipped

AID = "01_tensors"
ANN, BO, CY = Person("Ann", "Lee", "1001"), Person("Bo", "Tran", "1002"), Person("Cy", "Park", "1003")
MARCH = datetime(2024, 3, 1, 12, 0, 0)


def notebook(text: str = "") -> bytes:
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": text}], "metadata": {},
                       "nbformat": 4, "nbformat_minor": 5}).encode()


@pytest.fixture
def root(tmp_path) -> Path:
    """The smallest course collect needs: nbgrader_config.py and source/01_tensors/01_tensors.ipynb."""
    course = tmp_path / "course"
    (course / "source" / AID).mkdir(parents=True)
    (course / "source" / AID / f"{AID}.ipynb").write_bytes(notebook())
    (course / "nbgrader_config.py").write_text("")
    return course


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def class_zip(tmp_path: Path, lms: str, people=(ANN, BO), name: str = "download.zip") -> Path:
    members = [(name_in_download(lms, p, f"{AID}.ipynb", MARCH), notebook(p.first), MARCH) for p in people]
    return write_zip(tmp_path / name, members)


@pytest.mark.parametrize("lms, name, expected", [
    ("canvas", "leeann_1001_5550001_01_tensors.ipynb", {"lms_id": "1001", "name": "leeann", "late": False}),
    ("canvas", "leeann_late_1001_5550001_01_tensors-1.ipynb", {"lms_id": "1001", "late": True,
                                                               "file_id": "01_tensors-1.ipynb"}),
    ("moodle", "Ann Lee_1001_assignsubmission_file_01_tensors.ipynb", {"lms_id": "1001", "name": "Ann Lee"}),
    ("moodle", "Ann Lee_1001_assignsubmission_file_/sub/01_tensors.ipynb", {"file_id": "sub/01_tensors.ipynb"}),
    ("moodle", "Participant_1001_assignsubmission_file/01_tensors.ipynb", {"student_id": "participant_1001"}),
    ("blackboard", "Tensors_alee_attempt_2024-03-01-14-05-09_Copy of 01_tensors.ipynb",
     {"lms_id": "alee", "student_id": "alee", "timestamp": "2024-03-01 14:05:09", "file_id": "Copy of 01_tensors.ipynb"}),
    ("classroom", "01 Tensors/Ann Lee - 01_tensors.ipynb", {"name": "Ann Lee", "student_id": "ann_lee"}),
])
def test_does_each_lms_file_name_give_the_student_file_and_time(lms, name, expected):
    info = FORMATS[lms]().collect(name)
    assert info is not None and {key: info[key] for key in expected} == expected, info
    assert info["file_id"].endswith(".ipynb")


@pytest.mark.parametrize("lms", LMSES)
def test_is_each_lms_download_detected_and_collected_with_its_time(tmp_path, root, lms):
    result = collect(root, class_zip(tmp_path, lms), AID)
    assert result.lms == lms and result.detected and "detected" in result.text()
    assert len(result.added) == 2 and not result.refused and not result.unmatched
    folders = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{AID}"))
    assert len(folders) == 2
    for folder in (root / "submitted").glob(f"*/{AID}"):
        assert (folder / f"{AID}.ipynb").is_file()
        assert (folder / "timestamp.txt").read_text().strip() == "2024-03-01 12:00:00"


def test_does_a_download_of_no_known_format_stop_and_say_how_to_name_it(tmp_path, root):
    download = write_zip(tmp_path / "x.zip", [("random.ipynb", notebook(), MARCH)])
    with pytest.raises(GradingError, match="LMS=canvas"):
        collect(root, download, AID)


def test_are_zip_slip_names_links_and_non_notebooks_refused_and_nothing_written_outside(tmp_path, root):
    good = name_in_download("canvas", ANN, f"{AID}.ipynb", MARCH)
    download = write_zip(tmp_path / "d.zip", [
        (good, notebook(), MARCH),
        ("../escaped.ipynb", notebook(), MARCH),
        ("/tmp/absolute.ipynb", notebook(), MARCH),
        ("..\\windows.ipynb", notebook(), MARCH),
        ("tranbo_1002_5550002_run.sh", b"rm -rf ~", MARCH),
    ], links={"parkcy_1003_5550003_01_tensors.ipynb": "../../gradebook.db"})
    before = tree(tmp_path)
    result = collect(root, download, AID, lms="canvas")
    refused = "\n".join(result.refused)
    for name, why in (("../escaped.ipynb", "zip-slip"), ("/tmp/absolute.ipynb", "zip-slip"),
                      ("windows.ipynb", "zip-slip"), ("run.sh", "not a notebook"), ("parkcy", "symbolic link")):
        assert any(name in line and why in line for line in result.refused), (name, refused)
    assert [p.parent.name for p in (root / "submitted").glob(f"*/{AID}")] == ["leeann"]
    assert not (tmp_path / "escaped.ipynb").exists() and not Path("/tmp/absolute.ipynb").exists()
    assert tree(tmp_path) == {**before, **{k: v for k, v in tree(tmp_path).items() if k.startswith("course/")}}
    assert (tmp_path / "d.zip").read_bytes() and tree(tmp_path)["d.zip"] == before["d.zip"]


def test_are_zip_bombs_stopped_by_size_and_by_count(tmp_path):
    big = write_zip(tmp_path / "big.zip", [("leeann_1_2_01_tensors.ipynb", b"{" + b" " * 50_000 + b"}", MARCH)])
    extractor = SafeExtractor(max_member_bytes=10_000)
    extractor.extract(str(big), str(tmp_path / "out1"))
    assert "too large" in extractor.refused[0] and not any((tmp_path / "out1").rglob("*.ipynb"))
    many = write_zip(tmp_path / "many.zip", [(f"n{i}.ipynb", b"{}", MARCH) for i in range(30)])
    extractor = SafeExtractor(max_members=10)
    extractor.extract(str(many), str(tmp_path / "out2"))
    assert len(list((tmp_path / "out2").rglob("*.ipynb"))) == 10
    assert any("more than 10 files" in line for line in extractor.refused)


def test_does_a_header_that_lies_about_the_size_not_get_past_the_limit(tmp_path):
    """A member whose header claims a small size but that unpacks to more is cut off and refused."""
    import zipfile

    path = write_zip(tmp_path / "lie.zip", [("a.ipynb", b"x" * 50_000, MARCH)])
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).infolist()[0]
    for offset in (info.header_offset + 22, data.rfind(b"PK\x01\x02") + 24):  # local and central file sizes
        data[offset:offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    extractor = SafeExtractor(max_member_bytes=10_000)
    extractor.extract(str(path), str(tmp_path / "out"))
    assert extractor.refused and not list((tmp_path / "out").rglob("*.ipynb"))


def test_does_collecting_the_same_download_twice_change_nothing(tmp_path, root):
    download = class_zip(tmp_path, "moodle")
    collect(root, download, AID)
    first = tree(root)
    again = collect(root, download, AID)
    assert not again.added and len(again.unchanged) == 2 and tree(root) == first


def test_does_a_newer_download_add_only_the_new_submissions(tmp_path, root):
    collect(root, class_zip(tmp_path, "canvas"), AID)
    first = tree(root / "submitted")
    changed = [(name_in_download("canvas", p, f"{AID}.ipynb", MARCH), notebook(p.first + " v2"), MARCH)
               for p in (ANN, CY)]
    newer = write_zip(tmp_path / "newer.zip", [*changed, (name_in_download("canvas", BO, f"{AID}.ipynb", MARCH),
                                                          notebook(BO.first), MARCH)])
    result = collect(root, newer, AID)
    assert [line.split(" <- ")[0] for line in result.added] == ["parkcy"]
    assert result.unchanged == ["tranbo"]
    assert any(line.startswith("leeann: ") and "differs" in line for line in result.not_taken)
    assert {k: v for k, v in tree(root / "submitted").items() if not k.startswith("parkcy/")} == first


def test_does_the_roster_map_lms_ids_to_course_ids_and_report_who_is_missing(tmp_path, root):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,name\ns001,1001,Ann Lee\ns003,1003,Cy Park\n")
    result = collect(root, class_zip(tmp_path, "canvas"), AID, roster=roster)
    assert sorted(p.parent.name for p in (root / "submitted").glob(f"*/{AID}")) == ["s001"]
    assert any("tranbo" in line and "no roster student" in line for line in result.unmatched), result.unmatched
    assert result.missing == ["s003 (Cy Park)"]


def test_does_the_roster_match_names_in_any_order_for_moodle(tmp_path, root):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns001,\"Lee, Ann\"\ns002,Bo Tran\n")
    collect(root, class_zip(tmp_path, "moodle"), AID, roster=roster)
    assert sorted(p.parent.name for p in (root / "submitted").glob(f"*/{AID}")) == ["s001", "s002"]


def test_are_two_files_of_one_student_both_kept_and_reported(tmp_path, root):
    members = [(name_in_download("moodle", ANN, name, MARCH), notebook(name), MARCH)
               for name in (f"{AID}.ipynb", "scratch.ipynb")]
    result = collect(root, write_zip(tmp_path / "d.zip", members), AID)
    assert sorted(p.name for p in (root / "submitted" / "ann_lee" / AID).glob("*.ipynb")) == \
        [f"{AID}.ipynb", "scratch.ipynb"]
    assert any(line.startswith("ann_lee: ") for line in result.several)


def test_are_two_lms_students_with_one_id_reported_and_neither_overwritten(tmp_path, root):
    twin = Person("Ann", "Lee", "2002")
    result = collect(root, class_zip(tmp_path, "moodle", people=(ANN, twin)), AID)
    assert not (root / "submitted").exists() or not any((root / "submitted").glob("*/*"))
    assert any("2 LMS students map to this id" in line for line in result.several)


def test_does_blackboard_take_the_latest_attempt_and_its_time(tmp_path, root):
    early, late = datetime(2024, 3, 1, 9, 0, 0), datetime(2024, 3, 2, 9, 30, 0)
    members = [(name_in_download("blackboard", ANN, f"{AID}.ipynb", t), notebook(str(t)), t) for t in (early, late)]
    members += [(receipt(ANN, t), b"Name: Ann Lee", t) for t in (early, late)]
    result = collect(root, write_zip(tmp_path / "bb.zip", members), AID)
    folder = root / "submitted" / "1001" / AID
    assert json.loads((folder / f"{AID}.ipynb").read_text())["cells"][0]["source"] == str(late)
    assert (folder / "timestamp.txt").read_text().strip() == "2024-03-02 09:30:00"
    assert any("earlier attempt" in line for line in result.not_taken)


def test_is_a_zip_inside_the_download_unpacked_with_the_downloads_time(tmp_path, root):
    inner = zipped([(f"work/{AID}.ipynb", notebook("inner"), datetime(2020, 1, 1))])
    members = [(name_in_download("canvas", ANN, "work.zip", MARCH), inner, MARCH)]
    result = collect(root, write_zip(tmp_path / "d.zip", members), AID)
    folder = root / "submitted" / "leeann" / AID
    assert (folder / f"{AID}.ipynb").is_file(), result.text()
    assert (folder / "timestamp.txt").read_text().strip() == "2024-03-01 12:00:00"


def test_is_an_unpacked_download_folder_collected_without_being_changed(tmp_path, root):
    folder = tmp_path / "unpacked"
    for person in (ANN, BO):
        path = folder / name_in_download("moodle", person, f"{AID}.ipynb", MARCH)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(notebook(person.first))
    (folder / "link.ipynb").symlink_to(root / "nbgrader_config.py")
    before = tree(folder)
    result = collect(root, folder, AID)
    assert len(result.added) == 2 and any("link.ipynb" in line for line in result.refused)
    assert tree(folder) == before


def test_does_detection_count_each_format(tmp_path):
    names = [name_in_download("blackboard", p, f"{AID}.ipynb", MARCH) for p in (ANN, BO)]
    assert detect([f"/x/{n}" for n in names], "/x") == ("blackboard", {"canvas": 0, "moodle": 0, "blackboard": 2,
                                                                      "classroom": 0})
