"""Do Keras models cross to the checker as plain Keras parts only, refused before Keras reads anything else?"""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from grader.checker import models
from grader.checker.models import UnsafeModel


@pytest.fixture(scope="module")
def keras():
    import keras

    keras.utils.set_random_seed(0)
    return keras


@pytest.fixture
def no_loading(monkeypatch, keras):
    """Keras' loader made to fail the test, to show that a refusal comes before Keras reads the archive."""
    def load_model(*args, **kwargs):
        pytest.fail("keras.saving.load_model was called on a model that the allowlist should have refused")

    monkeypatch.setattr(keras.saving, "load_model", load_model)


def archive(config, members: dict[str, bytes] | None = None) -> bytes:
    """A .keras archive written by hand: config.json (a dict, or raw bytes) and the given other members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as file:
        file.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
        file.writestr("config.json", config if isinstance(config, bytes) else json.dumps(config))
        file.writestr("model.weights.h5", b"")
        for name, data in (members or {}).items():
            file.writestr(name, data)
    return buffer.getvalue()


def dense(**changes) -> dict:
    """The config of a Sequential model with one Dense layer, as Keras writes it, with `changes` in the layer."""
    layer = {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"name": "dense", "units": 2, "activation": "relu",
                        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                               "config": {"seed": None}, "registered_name": None}}}
    layer.update(changes)
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "sequential", "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                 "config": {"batch_shape": [None, 3], "dtype": "float32", "name": "input_layer"}}, layer]},
            "compile_config": {"loss": "mse", "optimizer": {
                "module": "keras.optimizers", "class_name": "Adam", "config": {"learning_rate": 0.001},
                "registered_name": None}}}


def assert_same_model(original, loaded):
    assert type(loaded) is type(original)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in original.layers]
    assert [layer.get_config().get("activation") for layer in loaded.layers] == [
        layer.get_config().get("activation") for layer in original.layers]
    weights, loaded_weights = original.get_weights(), loaded.get_weights()
    assert len(loaded_weights) == len(weights) and all(np.array_equal(a, b) for a, b in zip(weights, loaded_weights))
    assert loaded.get_compile_config()["loss"] == original.get_compile_config()["loss"]
    assert type(loaded.optimizer) is type(original.optimizer)
    assert np.isclose(float(loaded.optimizer.learning_rate), float(original.optimizer.learning_rate))


# -- models that cross ----------------------------------------------------------------------------------------------

def test_does_a_sequential_model_round_trip(keras):
    """Does a compiled Sequential model come back with the same layers, weights, loss and optimizer?"""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dropout(0.1), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.05), metrics=["accuracy"])
    assert_same_model(model, models.from_bytes(models.to_bytes(model)))


def test_does_a_functional_model_round_trip(keras):
    """Does a compiled Functional model (two inputs merged) come back with the same layers, weights and settings?"""
    left, right = keras.Input((2,)), keras.Input((3,))
    merged = keras.layers.Concatenate()([keras.layers.Dense(2, activation="tanh")(left), right])
    model = keras.Model([left, right], keras.layers.Dense(1)(merged))
    model.compile(loss=keras.losses.MeanSquaredError(), optimizer=keras.optimizers.Adam(learning_rate=0.01))
    loaded = models.from_bytes(models.to_bytes(model))
    assert_same_model(model, loaded)
    assert [tuple(x.shape) for x in loaded.inputs] == [(None, 2), (None, 3)]


def test_is_a_model_recognised_as_one(keras):
    """Does is_model tell a Keras model from other values?"""
    assert models.is_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]))
    assert not models.is_model(keras.layers.Dense(1)) and not models.is_model(np.zeros(2))


# -- models that are refused --------------------------------------------------------------------------------------

def test_is_a_lambda_layer_refused_before_keras_loads_it(keras, no_loading):
    """Is a model with a Lambda layer refused with UnsafeModel before keras.saving.load_model sees it?"""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Lambda(lambda x: x * 2)])
    with pytest.raises(UnsafeModel, match="'__lambda__'.*no Lambda layers"):
        models.from_bytes(models.to_bytes(model))


def test_is_a_custom_layer_refused_before_keras_loads_it(keras, no_loading):
    """Is a model with a custom Layer subclass (registered or not) refused before Keras loads it?"""
    class Twice(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    @keras.saving.register_keras_serializable(package="Student")
    class Once(keras.layers.Layer):
        def call(self, x):
            return x

    for layer in (Twice(), Once()):
        model = keras.Sequential([keras.Input((3,)), layer])
        with pytest.raises(UnsafeModel, match=f"'{type(layer).__name__}'.*custom layers"):
            models.from_bytes(models.to_bytes(model))


@pytest.mark.parametrize(("config", "message"), [
    ({"module": "os", "class_name": "system", "config": {"command": "touch /tmp/owned"}, "registered_name": None},
     "'system' from 'os'"),
    (dense(module="builtins", class_name="eval"), "'eval' from 'builtins'"),
    ({"module": "keras.config", "class_name": "enable_unsafe_deserialization", "config": {}},
     "'enable_unsafe_deserialization' from 'keras.config'"),
    (dense(config={"units": 2, "activation": {"module": "keras.config", "class_name": "function", "config":
                                              "enable_unsafe_deserialization", "registered_name": "function"}}),
     "names the function 'enable_unsafe_deserialization'"),
    (dense(module="keras.layers", class_name="Lambda", config={"function": {
        "class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None}}}),
     "'__lambda__'"),
    (dense(registered_name="Custom>Thing"), "registered custom object 'Custom>Thing'"),
    (dense(class_name="_Private"), "'_Private' from 'keras.layers'"),
    (dense(class_name="Dense.__init__"), "'Dense.__init__'"),
    (dense(class_name=["Dense"]), "malformed class name"),
    (dense(module="keras_hub.layers"), "from 'keras_hub.layers'"),
    (dense(module=None), "'Dense' from None"),
    (dense(config={"units": 2, "kernel_initializer": {"module": "keras.initializers", "class_name": "Evil",
                                                       "registered_name": "Evil>Init", "config": {}}}),
     "registered custom object 'Evil>Init'"),
], ids=["os-system", "builtins-eval", "keras-config", "keras-config-function", "lambda", "registered-name",
        "private-name", "dotted-name", "list-name", "keras-hub", "no-module", "nested-registered"])
def test_is_a_config_naming_anything_but_keras_parts_refused(config, message, no_loading):
    """Is a config naming code outside Keras' own parts refused with UnsafeModel, saying what it names?"""
    with pytest.raises(UnsafeModel, match=message):
        models.from_bytes(archive(config))


@pytest.mark.parametrize(("data", "message"), [
    (archive(dense(), {"assets/run.py": b"import os"}), r"\['assets/run.py'\]"),
    (archive(dense(), {"model.weights.npz": b""}), r"\['model.weights.npz'\]"),
    (b"PK\x03\x04 but not really a zip", "not a .keras archive"),
    (b"", "not a .keras archive"),
    (archive(b"{not json"), "config.json is not JSON"),
], ids=["extra-member", "other-weights", "not-a-zip", "empty", "config-not-json"])
def test_is_a_malformed_archive_refused(data, message, no_loading):
    """Are an extra member, a non-zip and a config that is not JSON refused, saying what is wrong?"""
    with pytest.raises(UnsafeModel, match=message):
        models.from_bytes(data)


def test_is_an_archive_without_config_refused(no_loading):
    """Is an archive without config.json refused?"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as file:
        file.writestr("model.weights.h5", b"")
    with pytest.raises(UnsafeModel, match="no config.json"):
        models.from_bytes(buffer.getvalue())


def test_is_a_config_too_deep_to_check_refused(no_loading):
    """Is a config nested more deeply than the check goes refused?"""
    config = dense()
    for _ in range(250):
        config = {"wrapped": config}
    with pytest.raises(UnsafeModel, match="nested too deeply"):
        models.from_bytes(archive(config))


def test_is_a_plain_config_written_by_hand_accepted(keras):
    """Does the check accept the hand-written Dense config used above, so that the refusals are due to the change?"""
    models.check_archive(archive(dense()))


def test_is_a_keras_function_named_through_its_config_refused(keras):
    """Is a "function" node whose config names keras.config.enable_unsafe_deserialization refused by the allowlist?"""
    function = {"module": "keras", "class_name": "function", "config": "config.enable_unsafe_deserialization",
                "registered_name": "function"}
    with pytest.raises(UnsafeModel):
        models.check_archive(archive(dense(config={"units": 2, "activation": function})))


def test_is_a_zip_bomb_refused_before_anything_is_unpacked(monkeypatch):
    """Is a member that unpacks to far more than its packed size refused without being read?"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as file:
        file.writestr("config.json", json.dumps(dense()))
        file.writestr("model.weights.h5", b"\0" * (200 * 2**20))  # 200 MiB of zeros pack into about 200 KiB
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *args: pytest.fail("a member was unpacked"))
    with pytest.raises(UnsafeModel, match="over 100 times its packed size"):
        models.check_archive(buffer.getvalue())


def test_is_a_member_given_twice_refused():
    """Is an archive with two config.json members (the checker would see one, Keras the other) refused?"""
    data = archive(dense(), {"config.json": b"{}"})
    with pytest.raises(UnsafeModel, match="a member twice"):
        models.check_archive(data)


def test_is_a_corrupt_archive_member_refused():
    """Is an archive whose config.json fails its CRC check refused with UnsafeModel?"""
    data = bytearray(archive(dense()))
    data[data.index(b"Sequential")] = ord("s")
    with pytest.raises(UnsafeModel):
        models.check_archive(bytes(data))


def model_with_weights(keras, change) -> bytes:
    """A real .keras archive of a small Dense model, with `change(h5 file, path of the kernel)` applied to its
    weights file."""
    import h5py

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    original = zipfile.ZipFile(io.BytesIO(models.to_bytes(model)))
    weights = io.BytesIO(original.read("model.weights.h5"))
    with h5py.File(weights, "a") as file:
        kernels = []
        file.visititems(lambda name, item: kernels.append(name) if name.endswith("dense/vars/0") else None)
        change(file, kernels[0])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in original.namelist():
            out.writestr(name, weights.getvalue() if name == "model.weights.h5" else original.read(name))
    return buffer.getvalue()


def compressed(size):
    def change(file, kernel):
        del file[kernel]
        file.create_dataset(kernel, shape=(size, size), dtype="float32", compression="gzip", chunks=(500, 500))
    return change


def unwritten(file, kernel):
    del file[kernel]
    file.create_dataset(kernel, shape=(20000, 20000), dtype="float32", chunks=(500, 500))  # no data: a fill value


def external(file, kernel):
    del file[kernel]
    file.create_dataset(kernel, shape=(3, 2), dtype="float32", external=[("/etc/hostname", 0, 24)])


def soft_link(file, kernel):
    file[kernel + "_link"] = __import__("h5py").SoftLink("/" + kernel)


@pytest.mark.parametrize("change", [compressed(20000), unwritten, external, soft_link],
                         ids=["compressed", "unwritten", "external", "link"])
def test_is_a_weights_file_that_reads_as_more_than_it_holds_refused_before_keras_reads_it(keras, change, no_loading):
    """Is an HDF5 weights file refused if it compresses, leaves unwritten, links or points outside its data?"""
    data = model_with_weights(keras, change)
    assert len(data) < 100_000  # a few KiB; the compressed and unwritten kernels read as 1.6 GB
    with pytest.raises(UnsafeModel, match="weights"):
        models.from_bytes(data)


@pytest.mark.slow
def test_a_compressed_weights_file_costs_keras_seconds_without_the_check(keras, monkeypatch):
    """Control: without the check, Keras reads a compressed 12000 x 12000 kernel (a few KiB packed) in full
    before it finds the shape wrong. One such kernel per layer held a grading worker for minutes (issue 21)."""
    import time

    data = model_with_weights(keras, compressed(12000))
    monkeypatch.setattr(models, "_check_weights", lambda data: None)
    started = time.monotonic()
    with pytest.raises(UnsafeModel, match="could not load it safely"):
        models.from_bytes(data)
    assert time.monotonic() - started > 1


def test_is_a_load_that_runs_past_its_time_limit_stopped(keras, monkeypatch):
    """Does a load that takes longer than LOAD_SECONDS end in UnsafeModel soon after, and the next load work?"""
    import time

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer="adam")
    data = models.to_bytes(model)
    real_load = keras.saving.load_model
    monkeypatch.setattr(models, "LOAD_SECONDS", 0.3)
    monkeypatch.setattr(keras.saving, "load_model", lambda *args, **kwargs: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(UnsafeModel, match="took over 0.3 s"):
        models.from_bytes(data)
    assert time.monotonic() - started < 2
    monkeypatch.setattr(keras.saving, "load_model", real_load)
    assert_same_model(model, models.from_bytes(data))


# -- training histories -----------------------------------------------------------------------------------------------

def test_is_a_history_rebuilt_from_its_numbers(keras):
    """Does history() give a keras.callbacks.History with the history, params and epochs sent?"""
    rebuilt = models.history({"history": {"loss": [0.9, 0.5], "val_accuracy": [0.6, 0.8]},
                              "params": {"epochs": 2, "steps": 10}, "epoch": [0, 1]})
    assert isinstance(rebuilt, keras.callbacks.History)
    assert rebuilt.history == {"loss": [0.9, 0.5], "val_accuracy": [0.6, 0.8]}
    assert rebuilt.params == {"epochs": 2, "steps": 10} and rebuilt.epoch == [0, 1]


def test_do_malformed_params_and_epochs_become_empty(keras):
    """Do params that are not a dict and epochs that are not a list become empty?"""
    rebuilt = models.history({"history": {}, "params": [1], "epoch": "0,1"})
    assert rebuilt.history == {} and rebuilt.params == {} and rebuilt.epoch == []


@pytest.mark.parametrize("data", [None, [], "history", {}, {"history": [0.5]}, {"history": None}, {"loss": [1.0]}],
                         ids=repr)
def test_is_a_malformed_history_refused(data, keras):
    """Does history() refuse data that is not {"history": {...}, ...}?"""
    with pytest.raises(UnsafeModel, match="malformed training history"):
        models.history(data)
