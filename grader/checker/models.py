"""Keras models and training histories that cross from the student's kernel to the checker, as data.

A model arrives as a `.keras` file (a zip of config.json, metadata.json and model.weights.h5). Before Keras
sees it, the archive is checked here: only those three members, within size limits, and a config that names
only Keras' own layers, initializers, regularizers, constraints, losses, metrics and optimizers. Then Keras
loads it with `safe_mode=True`. Safe mode alone has been bypassed before (CVE-2025-1550 named arbitrary
modules in config.json; CVE-2025-9906 turned safe mode off from the config), so the allowlist comes first:
no custom layer, custom loss or any other code can cross, and a Lambda layer only with one of Keras' own
functions (safe mode refuses the Python code of a lambda).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tempfile
import threading
import warnings
import zipfile
from typing import Any

MEMBERS = {"config.json", "metadata.json", "model.weights.h5"}
MAX_CONFIG = 16 * 2**20
MAX_WEIGHTS = 1024 * 2**20
# Trained weights barely compress and a config.json about 10x: a large member that unpacks to more than this many
# times its packed size is a zip bomb, refused before anything is unpacked. (Small ones may: a layer initialised
# to zeros packs into almost nothing, and is a mistake for the tests to explain, not an attack.)
MAX_RATIO = 100
# The course's largest model (06's CNN) loads in about 0.1 s here; a load that takes longer than this is not a
# model the tests can use, and must not hold a grading worker for minutes.
LOAD_SECONDS = 20
SMALL = 16 * 2**20
KERAS_MODULES = {
    "keras", "keras.layers", "keras.initializers", "keras.regularizers", "keras.constraints", "keras.activations",
    "keras.losses", "keras.metrics", "keras.optimizers", "keras.optimizers.schedules",
    "keras.src.models.functional", "keras.src.models.sequential",
}
TENSOR_MARKERS = {"__keras_tensor__", "__tensor__", "__numpy__"}


class UnsafeModel(ValueError):
    """A model that may not be loaded in the checker; the message says why."""


def is_model(value: Any) -> bool:
    import sys

    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


def check_archive(data: bytes) -> None:
    """Raise UnsafeModel unless `data` is a .keras archive of built-in Keras parts only."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsafeModel("it is not a .keras archive") from None
    names = set(archive.namelist())
    if not names <= MEMBERS or "config.json" not in names:
        raise UnsafeModel(f"the archive holds {sorted(names - MEMBERS) or 'no config.json'}, which a plain "
                          "Keras model does not")
    if len(archive.infolist()) != len(names):
        raise UnsafeModel("the archive holds a member twice, which a plain Keras model does not")
    sizes = {info.filename: info.file_size for info in archive.infolist()}
    if sizes.get("config.json", 0) > MAX_CONFIG or sizes.get("model.weights.h5", 0) > MAX_WEIGHTS:
        raise UnsafeModel("the model is too large to check")
    if any(info.file_size > max(SMALL, MAX_RATIO * info.compress_size) for info in archive.infolist()):
        raise UnsafeModel(f"a member unpacks to over {MAX_RATIO} times its packed size, which a Keras model does not")
    try:
        config = json.loads(archive.read("config.json"))
        archive.testzip()  # every member's checksum, before h5py reads the weights
    except (ValueError, RecursionError, zipfile.BadZipFile, OSError, EOFError):
        raise UnsafeModel("its config.json is not JSON, or the archive is damaged") from None
    _check_config(config)
    if "model.weights.h5" in names:
        _check_weights(archive.read("model.weights.h5"))


def _check_weights(data: bytes) -> None:
    """Keras writes every weight as a plain dataset whose numbers are all in the file. An HDF5 file can also
    hold datasets that are compressed inside it, left unwritten (read as a fill value), stored in other files,
    or made of links: a few KiB that read as gigabytes, slowly. Refuse all of those before Keras reads one."""
    import h5py

    if not data:
        return
    try:
        with h5py.File(io.BytesIO(data), "r") as weights:
            logical = _weights_size(weights, 0)
    except UnsafeModel:
        raise
    except Exception:  # noqa: BLE001 (h5py raises many kinds of error on a damaged file)
        raise UnsafeModel("its weights file is not a readable HDF5 file") from None
    if logical > len(data):
        raise UnsafeModel(f"its weights read as {logical} bytes from a file of {len(data)}; Keras writes every "
                          "number into the file")


def _weights_size(group: Any, depth: int) -> int:
    import h5py

    if depth > 32:
        raise UnsafeModel("its weights file is nested too deeply")
    total = 0
    for name in group:
        link = group.get(name, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise UnsafeModel(f"its weights file holds a link ({name!r}), which Keras does not write")
        item = group[name]
        if isinstance(item, h5py.Group):
            total += _weights_size(item, depth + 1)
        elif isinstance(item, h5py.Dataset):
            plist = item.id.get_create_plist()
            if item.is_virtual or plist.get_external_count() or plist.get_nfilters() or item.dtype.kind not in "biuf":
                raise UnsafeModel(f"its weights file stores {name!r} compressed, elsewhere or as non-numbers, "
                                  "which Keras does not")
            total += item.size * item.dtype.itemsize
        else:
            raise UnsafeModel(f"its weights file holds {name!r}, which is neither a group nor a dataset")
    return total


def _check_config(node: Any, depth: int = 0) -> None:
    if depth > 200:
        raise UnsafeModel("its config is nested too deeply")
    if isinstance(node, list):
        for item in node:
            _check_config(item, depth + 1)
        return
    if not isinstance(node, dict):
        return
    if "class_name" in node:
        module, name, registered = node.get("module"), node.get("class_name"), node.get("registered_name")
        if not isinstance(name, str):
            raise UnsafeModel("its config has a malformed class name")
        if name in TENSOR_MARKERS and module is None:
            pass
        elif name == "function":  # a function named by its name, e.g. loss="mean_squared_error"
            if node.get("config") not in _keras_functions():
                raise UnsafeModel(f"it names the function {node.get('config')!r}; only Keras' own activations, "
                                  "losses and metrics can be checked")
        elif module not in KERAS_MODULES or not name.isidentifier() or name.startswith("_"):
            raise UnsafeModel(f"it uses {name!r} from {module!r}: only Keras' built-in layers, losses, metrics and "
                              "optimizers can be checked (no Lambda layers, custom layers or custom functions)")
        if registered not in (None, name, "function"):
            raise UnsafeModel(f"it uses a registered custom object {registered!r}; only Keras' own can be checked")
    for value in node.values():
        _check_config(value, depth + 1)


def _keras_functions() -> set[str]:
    """The names of Keras' own activation, loss and metric functions."""
    import keras

    return {name for module in (keras.activations, keras.losses, keras.metrics) for name in dir(module)
            if not name.startswith("_") and callable(getattr(module, name)) and not isinstance(getattr(module, name), type)}


def from_bytes(data: bytes) -> Any:
    """The model in `data`, checked and then loaded by Keras in safe mode."""
    try:
        check_archive(data)
    except UnsafeModel as error:
        raise UnsafeModel(f"your Keras model cannot be checked: {error}") from None
    import keras

    handle, path = tempfile.mkstemp(suffix=".keras")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        with warnings.catch_warnings(), _time_limit(LOAD_SECONDS):
            warnings.simplefilter("ignore")  # e.g. optimizer variables not restored: harmless, but stderr
            try:
                return keras.saving.load_model(path, compile=True, safe_mode=True)
            except LoadTooSlow:
                raise UnsafeModel(f"your Keras model cannot be checked: loading it took over {LOAD_SECONDS} s "
                                  "(a model of this course loads in under a second)") from None
            except Exception as error:
                raise UnsafeModel(f"your Keras model cannot be checked: Keras could not load it safely ({type(error).__name__}: {error})"[:1500]) from None
    finally:
        os.unlink(path)


class LoadTooSlow(BaseException):
    """Raised inside Keras' loader when it runs past LOAD_SECONDS (a BaseException, so Keras cannot catch it)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise LoadTooSlow in the block after `seconds`. Only in the main thread (where the checker's cells run);
    C code that never returns to Python is stopped by the cell's own limit instead."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(*_: Any) -> None:
        raise LoadTooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def to_bytes(model: Any) -> bytes:
    """A checker's model as a .keras file, to pass to the student's code."""
    handle, path = tempfile.mkstemp(suffix=".keras")
    os.close(handle)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(path)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)


def set_weights(model: Any, weights: list) -> None:
    """Write weights the student's code set on its copy of a checker's model back into the model."""
    import numpy as np

    if all(isinstance(w, np.ndarray) for w in weights) and [w.shape for w in weights] == [
            tuple(w.shape) for w in model.get_weights()]:
        model.set_weights(weights)


def history(data: Any) -> Any:
    """A keras.callbacks.History rebuilt from its numbers (it arrives without its model)."""
    import keras

    if not isinstance(data, dict) or not isinstance(data.get("history"), dict):
        raise UnsafeModel("a malformed training history")
    result = keras.callbacks.History()
    result.history = data["history"]
    result.params = data.get("params") if isinstance(data.get("params"), dict) else {}
    result.epoch = data.get("epoch") if isinstance(data.get("epoch"), list) else []
    return result
