"""Datasets for the course.

MNIST comes from Keras' own downloader (`keras.datasets.mnist.load_data`), which works in Colab and on
any machine with internet. Where there is no internet (CI, an offline lab), set the environment
variable `COURSE_MNIST_NPZ` to a local `.npz` file in the layout of Keras' `mnist.npz`
(`x_train`, `y_train`, `x_test`, `y_test`) and the loader reads that file instead.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["MNIST_OVERRIDE_VARIABLE", "load_mnist", "load_photo", "mnist_for_cnn"]

MNIST_OVERRIDE_VARIABLE = "COURSE_MNIST_NPZ"
_MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")

Split = tuple[np.ndarray, np.ndarray]


def load_mnist() -> tuple[Split, Split]:
    """Return MNIST as `(x_train, y_train), (x_test, y_test)`: uint8 images (N, 28, 28), uint8 labels."""
    override = os.environ.get(MNIST_OVERRIDE_VARIABLE)
    if override:
        return _load_mnist_npz(Path(override).expanduser())
    from keras.datasets import mnist  # imported here: TensorFlow takes seconds to import

    try:
        return mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception when the download fails
        raise RuntimeError(
            f"Keras could not download MNIST ({error}). Check the internet connection, or set "
            f"{MNIST_OVERRIDE_VARIABLE} to a local copy of mnist.npz."
        ) from error


def mnist_for_cnn(n_train: int = 7000, n_validation: int = 1000, n_test: int = 2000) -> dict[str, np.ndarray]:
    """The MNIST subsets notebook 05 works with, ready for a CNN.

    Training and validation images are the first `n_train` and the next `n_validation` training images; test
    images the first `n_test` test images. Images are float32 `(N, 28, 28, 1)` in [0, 1], labels uint8. Keys:
    `x_train, y_train, x_val, y_val, x_test, y_test`. Tests use it as their own copy of the data, independent
    of the notebook's variables.
    """
    (x_train, y_train), (x_test, y_test) = load_mnist()
    if n_train + n_validation > len(x_train) or n_test > len(x_test):
        raise ValueError(f"MNIST here has {len(x_train)} training and {len(x_test)} test images; "
                         f"{n_train} + {n_validation} training and {n_test} test images were asked for.")
    stop = n_train + n_validation
    return {"x_train": _for_cnn(x_train[:n_train]), "y_train": y_train[:n_train],
            "x_val": _for_cnn(x_train[n_train:stop]), "y_val": y_train[n_train:stop],
            "x_test": _for_cnn(x_test[:n_test]), "y_test": y_test[:n_test]}


def _for_cnn(images: np.ndarray) -> np.ndarray:
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def _load_mnist_npz(path: Path) -> tuple[Split, Split]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{MNIST_OVERRIDE_VARIABLE} points at {str(path)!r}, which is not a file. "
            f"Fix the path, or unset {MNIST_OVERRIDE_VARIABLE} to download MNIST with Keras."
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not an .npz archive. Point {MNIST_OVERRIDE_VARIABLE} at the MNIST .npz file itself."
        )
    with np.load(path) as npz:
        missing = [key for key in _MNIST_KEYS if key not in npz.files]
        if missing:
            raise ValueError(
                f"{path} has no {', '.join(missing)}; an MNIST .npz needs the arrays "
                f"{', '.join(_MNIST_KEYS)} (the layout of Keras' mnist.npz)."
            )
        x_train, y_train, x_test, y_test = (npz[key] for key in _MNIST_KEYS)
    return (x_train, y_train), (x_test, y_test)


def load_photo(name: str = "china.jpg") -> np.ndarray:
    """Return one of scikit-learn's bundled colour photos ('china.jpg' or 'flower.jpg') as uint8 (H, W, 3)."""
    from sklearn.datasets import load_sample_image

    return load_sample_image(name)
