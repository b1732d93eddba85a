"""Other answers to 06_cnn_mnist: right ones written differently, and plausible wrong ones.

Thresholds: see scripts/measure_06_cnn_mnist.py and docs/timings.md (offline MNIST: the first
7,000 training images to train, the next 1,000 to validate, the first 2,000 test images to test). Measured:
- classic CNN, 7 epochs of 128 (ex4_classic_accuracy, test >= 0.975): seeds 0-4, 0.982-0.991 validation, 0.982-0.987 test;
- section 4's stand-in for a blank section 3 (Conv32-Pool-Conv64-Pool-Dense128, 225,034 parameters): seeds 0-3,
  0.979-0.991 validation, 0.980-0.9855 test;
- section 6's reference design, 10 epochs of 64 (ex6_my_accuracy, validation >= 0.97; ex6_my_test_accuracy, test
  >= 0.97): seeds 0-4, 0.976-0.989 validation, 0.9765-0.9855 test;
- section 6's GlobalAveragePooling2D design (56,394 parameters), 10 epochs of 64: seeds 0-3, 0.975-0.981 validation,
  0.9665-0.9795 test: borderline on the test target, which the notebook's text says;
- MY_CNN_FUNCTIONAL below (EarlyStopping): seeds 0-6, 0.976-0.992 validation, 0.9765-0.986 test.
"""

BLANK_PREPARE = '''
def prepare_images(images):
    """uint8 (N, H, W) -> float32 (N, H, W, 1), scaled to [0, 1]."""
    ...
'''

PREPARE_WRONG = '''
def prepare_images(images):
    return {body}
'''

SIZES = '''
def conv_output_size(n, k, padding="valid", stride=1):
    {size}


def conv_param_count(k, channels_in, filters):
    return {params}
'''
SIZE_RIGHT = '''if padding not in ("valid", "same"):
        raise ValueError("unknown padding")
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1'''
PARAMS_RIGHT = "k * k * channels_in * filters + filters"


def sizes(size=SIZE_RIGHT, params=PARAMS_RIGHT):
    return SIZES.format(size=size, params=params)


CLASSIC = '''
def build_classic_cnn(padding="valid"):
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, padding={padding}, activation="relu"),
        keras.layers.Conv2D(64, 3, padding={padding}, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Dropout(0.25),
        {flatten}
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10{output}),
    ])
    model.compile(optimizer="adam", loss={loss}, metrics={metrics})
    return model
'''


def classic(padding="padding", flatten="keras.layers.Flatten(),", output=', activation="softmax"',
            loss='"sparse_categorical_crossentropy"', metrics='["accuracy"]'):
    return CLASSIC.format(padding=padding, flatten=flatten, output=output, loss=loss, metrics=metrics)


CLASSIC_FUNCTIONAL = '''
def build_classic_cnn(padding="valid"):
    images = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(filters=32, kernel_size=(3, 3), padding=padding, activation="relu")(images)
    x = keras.layers.Conv2D(filters=64, kernel_size=(3, 3), padding=padding, activation="relu")(x)
    x = keras.layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = keras.layers.Dropout(rate=0.25)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(128, activation="relu")(x)
    x = keras.layers.Dropout(rate=0.5)(x)
    digits = keras.layers.Dense(10, activation="softmax")(x)
    model = keras.Model(images, digits)
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model
'''

TRAIN_CLASSIC = '''
keras.utils.set_random_seed(4)
classic_model = classic_history = None
classic_model = classic_builder()
classic_history = classic_model.fit({x}, {y}, epochs={epochs}, batch_size=128, validation_data=({x_val}, {y_val}), verbose=2)
'''

MY_CNN = '''
keras.utils.set_random_seed(6)
my_model = my_history = None
my_model = keras.Sequential([keras.Input(shape=(28, 28, 1)), {layers}])
my_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics={metrics})
my_history = my_model.fit({x}, {y}, epochs={epochs}, batch_size=64, validation_data=({x_val}, {y_val}), verbose=2)
'''



def train_classic(epochs=7, x="x_train", y="y_train", x_val="x_val", y_val="y_val"):
    return TRAIN_CLASSIC.format(epochs=epochs, x=x, y=y, x_val=x_val, y_val=y_val)


def my_cnn(layers, epochs, x="x_train", y="y_train", x_val="x_val", y_val="y_val", metrics='["accuracy"]'):
    return MY_CNN.format(layers=layers, epochs=epochs, x=x, y=y, x_val=x_val, y_val=y_val, metrics=metrics)


REFERENCE_LAYERS = ('keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(2), '
                    'keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2), '
                    'keras.layers.Flatten(), keras.layers.Dropout(0.3), keras.layers.Dense(64, activation="relu"), '
                    'keras.layers.Dense(10, activation="softmax")')

MY_CNN_FUNCTIONAL = '''
keras.utils.set_random_seed(6)
images = keras.Input(shape=(28, 28, 1))
x = keras.layers.Conv2D(32, (3, 3), activation="relu")(images)
x = keras.layers.MaxPooling2D()(x)
x = keras.layers.Conv2D(64, (3, 3), activation="relu")(x)
x = keras.layers.MaxPooling2D()(x)
x = keras.layers.Flatten()(x)
x = keras.layers.Dropout(0.3)(x)
x = keras.layers.Dense(48, activation="relu")(x)
my_model = keras.Model(images, keras.layers.Dense(10, activation="softmax")(x))  # 96,154 parameters
my_model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                 metrics=[keras.metrics.SparseCategoricalAccuracy()])
# Stops when the validation loss has not improved for 2 epochs and goes back to the best epoch's weights: the
# trained model is then not the last epoch's, and the tests must accept that.
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
my_history = my_model.fit(x_train, y_train, epochs=10, batch_size=128, validation_data=(x_val, y_val), verbose=0,
                          callbacks=[stop])
'''
# Measured with this cell's code on seeds 0-6 (offline MNIST, 2026-12-02): validation 0.976-0.992, test 0.9765-0.986;
# 7 to 10 epochs, and with seeds 1, 2, 4 and 6 the best epoch is not the last (seed 6: epoch 9 of 10).

MLP = '''
def build_mlp(hidden_units):
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten()])
    for units in hidden_units:
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="sparse_categorical_crossentropy"{metrics})
    return model
'''

MLP_FUNCTIONAL = '''
def build_mlp(hidden_units):
    images = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Flatten()(images)
    for units in hidden_units:
        x = keras.layers.Dense(units, activation="relu")(x)
    model = keras.Model(images, keras.layers.Dense(10, activation="softmax")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model
'''


RIGHT = [
    ("ex1_prepare", "def prepare_images(images):\n"
                    "    return np.expand_dims(images / 255, axis=-1).astype(np.float32)\n"),
    ("ex1_prepare", "def prepare_images(images):\n"
                    "    n, h, w = images.shape\n"
                    "    return images.reshape(n, h, w, 1).astype('float32') / np.float32(255)\n"),
    ("ex2_sizes", "import math\n\n\n"
                  "def conv_output_size(n, k, padding='valid', stride=1):\n"
                  "    if padding == 'same':\n"
                  "        return math.ceil(n / stride)\n"
                  "    elif padding == 'valid':\n"
                  "        return math.floor((n - k) / stride) + 1\n"
                  "    else:\n"
                  "        raise ValueError(padding)\n\n\n"
                  "def conv_param_count(k, channels_in, filters):\n"
                  "    return (k * k * channels_in + 1) * filters\n"),
    ("ex3_classic", CLASSIC_FUNCTIONAL),
    ("ex3_classic", classic(metrics='["acc"]')),
    ("ex5_misclassified", "def find_misclassified(probabilities, labels):\n"
                          "    return np.where(probabilities.argmax(axis=1) != labels)[0]\n"),
    ("ex5_misclassified", "def find_misclassified(probabilities, labels):\n"
                          "    return np.array([i for i, (p, y) in enumerate(zip(probabilities, labels))\n"
                          "                     if np.argmax(p) != y], dtype=int)\n"),
    # Section 4 through its own builder name, not classic_builder (section 3 is done, so both are the same).
    ("ex4_train_classic", train_classic().replace("classic_builder()", "build_classic_cnn()")),
    # Positional batch size, validation data as named sets, a callback that changes nothing, another measured seed.
    ("ex4_train_classic", '''
keras.utils.set_random_seed(2)
classic_model = classic_builder()
validation = (x_val, y_val)
classic_history = classic_model.fit(x_train, y_train, 128, 7, 0, callbacks=[keras.callbacks.TerminateOnNaN()],
                                    validation_data=validation)
'''),
    ("ex6_my_cnn", MY_CNN_FUNCTIONAL),
    ("ex7_mlp", MLP_FUNCTIONAL),
    ("ex7_mlp", MLP.format(metrics=', metrics=["acc"]')),
]

WRONG = [
    # (The first one is also used by tests/test_pipeline.py in a full nbgrader run: it breaks nothing downstream.)
    # n - k - 1 instead of n - k + 1.
    ("ex2_sizes", sizes(size="return (n - k - 1) // stride"), ["ex2_size_examples", "ex2_size_keras"]),
    # Left blank (the release's `...`): it costs section 1's points only, because the later sections get prepared
    # images from the course package and their tests use their own copies (tests/classroom.py grades this one).
    ("ex1_prepare", BLANK_PREPARE, ["ex1_prepare_shape", "ex1_prepare_values"]),
    # Unscaled input: the values stay 0-255.
    ("ex1_prepare", PREPARE_WRONG.format(body="images.astype('float32')[..., np.newaxis]"), ["ex1_prepare_values"]),
    # No channel axis.
    ("ex1_prepare", PREPARE_WRONG.format(body="images.astype('float32') / 255"),
     ["ex1_prepare_shape", "ex1_prepare_values"]),
    # float64 instead of float32.
    ("ex1_prepare", PREPARE_WRONG.format(body="(images / 255)[..., np.newaxis]"), ["ex1_prepare_shape"]),
    # Padding ignored: 'same' computed like 'valid'.
    ("ex2_sizes", sizes(size="return (n - k) // stride + 1"), ["ex2_size_examples", "ex2_size_keras"]),
    # 'same' rounded up with np.ceil: right sizes, but floats where the spec asks for an int.
    ("ex2_sizes", sizes(size=SIZE_RIGHT.replace("-(-n // stride)", "np.ceil(n / stride)")), ["ex2_size_examples"]),
    # Stride ignored for 'same' padding.
    ("ex2_sizes", sizes(size=SIZE_RIGHT.replace("-(-n // stride)", "n")), ["ex2_size_keras"]),
    # The input channels are forgotten.
    ("ex2_sizes", sizes(params="k * k * filters + filters"), ["ex2_conv_params"]),
    # Same padding where valid was asked.
    ("ex3_classic", classic(padding='"same"'), ["ex3_classic_layers"]),
    # No Flatten: Dense works on the last axis of the 12x12x64 maps.
    ("ex3_classic", classic(flatten=""), ["ex3_classic_layers", "ex3_classic_output"]),
    # A linear output layer: scores, not probabilities.
    ("ex3_classic", classic(output=""), ["ex3_classic_layers", "ex3_classic_output"]),
    # Categorical cross-entropy with integer labels.
    ("ex3_classic", classic(loss='"categorical_crossentropy"'), ["ex3_classic_compile"]),
    # Compiled without metrics: evaluate reports the loss only.
    ("ex3_classic", classic(metrics="None"), ["ex3_classic_compile"]),
    # Stopped after one epoch.
    ("ex4_train_classic", train_classic(epochs=1), ["ex4_classic_accuracy"]),
    # Validated on the test images instead of the validation images.
    ("ex4_train_classic", train_classic(x_val="x_test", y_val="y_test"), ["ex4_classic_accuracy"]),
    # Trained on the test images.
    ("ex4_train_classic", train_classic(x="x_test", y="y_test"), ["ex4_classic_accuracy"]),
    # A mask instead of indices.
    ("ex5_misclassified", "def find_misclassified(probabilities, labels):\n"
                          "    return np.argmax(probabilities, axis=1) != labels\n", ["ex5_misclassified_indices"]),
    # The right ones instead of the wrong ones.
    ("ex5_misclassified", "def find_misclassified(probabilities, labels):\n"
                          "    return np.flatnonzero(np.argmax(probabilities, axis=1) == labels)\n",
     ["ex5_misclassified_indices"]),
    # Over the budget (203,530 parameters): its accuracy does not count.
    ("ex6_my_cnn", my_cnn('keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"), '
                          'keras.layers.Dense(10, activation="softmax")', epochs=5),
     ["ex6_my_budget", "ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # Within the budget but no convolutions: logistic regression stays near 0.9.
    ("ex6_my_cnn", my_cnn('keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")', epochs=5),
     ["ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # The reference design, validated on the test images.
    ("ex6_my_cnn", my_cnn(REFERENCE_LAYERS, epochs=10, x_val="x_test", y_val="y_test"), ["ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # The reference design, trained on the training and the test images (it reaches both accuracy targets): only
    # the number of updates per epoch, 141 with batch size 64, shows it.
    ("ex6_my_cnn", my_cnn(REFERENCE_LAYERS, epochs=10, x="np.concatenate([x_train, x_test])",
                          y="np.concatenate([y_train, y_test])"), ["ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # Compiled with categorical cross-entropy: fit then fails on the integer labels.
    ("ex6_my_cnn", my_cnn(REFERENCE_LAYERS, epochs=1).replace('loss="sparse_categorical_crossentropy"',
                                                             'loss="categorical_crossentropy"'),
     ["ex6_my_shapes", "ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # Compiled without metrics. One epoch keeps it cheap, and costs the accuracy test for that reason (the accuracy
    # test measures the accuracy itself); the metric costs ex6_my_shapes.
    ("ex6_my_cnn", my_cnn(REFERENCE_LAYERS, epochs=1, metrics="None"),
     ["ex6_my_shapes", "ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # Compiled without metrics (the training cell measures the accuracy itself, so mlp_model is still trained).
    ("ex7_mlp", MLP.format(metrics=""), ["ex7_mlp_layers"]),
]


# Section 3 left blank: it costs section 3's points only. Section 4 trains the given stand-in CNN (classic_builder),
# and section 8's tests use the checker's own models.
BLANK_CLASSIC = '''
def build_classic_cnn(padding="valid"):
    """The classic MNIST CNN, compiled with Adam and sparse categorical cross-entropy."""
    ...
'''

# More epochs than allowed, spread over two fit calls, with the second call's history kept (it shows 5 epochs).
TWO_FITS = MY_CNN.replace("my_history = my_model.fit(", "my_model.fit({x}, {y}, epochs=8, batch_size=64, verbose=0)\nmy_history = my_model.fit(")

# A History written by hand: 10 epochs of 110 steps claimed, 20 epochs trained, the last val_loss copied from evaluate.
FORGED_TAIL = '''
my_history = keras.callbacks.History()
my_history.set_model(my_model)
my_history.params = {"verbose": 2, "epochs": 10, "steps": 110}
my_history.epoch = list(range(10))
_val_loss = my_model.evaluate(x_val, y_val, verbose=0)[0]
my_history.history = {"loss": [0.1] * 10, "accuracy": [0.99] * 10, "val_loss": [_val_loss] * 10,
                      "val_accuracy": [0.99] * 10}
'''

INSIDE = '''
def first_layer_maps(model, images):
    {maps}


def strongest_filter(maps):
    {strongest}
'''
MAPS_RIGHT = ("conv = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)][0]\n"
              "    return keras.ops.convert_to_numpy(keras.Model(inputs=model.inputs, outputs=conv.output)(images))")
STRONGEST_RIGHT = "return int(np.argmax(np.mean(maps, axis=(0, 1))))"


def inside(maps=MAPS_RIGHT, strongest=STRONGEST_RIGHT):
    return INSIDE.format(maps=maps, strongest=strongest)


SPEED = '''
def steps_per_epoch(n_images, batch_size):
    return {steps}


def images_per_second(n_images, seconds):
    return {rate}
'''


def speed(steps="-(-n_images // batch_size)", rate="n_images / seconds"):
    return SPEED.format(steps=steps, rate=rate)


RIGHT += [
    ("ex8_predict_maps", "predicted_map_shape = [26, 26, 32]\n"),
    ("ex8_inside", inside()),
    ("ex8_inside", inside(maps="for layer in model.layers:\n"
                               "        if isinstance(layer, keras.layers.Conv2D):\n"
                               "            return np.array(keras.Model(model.inputs, layer.output).predict(images, verbose=0))",
                          strongest="means = [maps[:, :, i].mean() for i in range(maps.shape[-1])]\n"
                                    "    return means.index(max(means))")),
    ("ex9_predict_steps", "predicted_steps = 7000 // 32 + 1\n"),
    ("ex9_speed", speed(steps="math.ceil(n_images / batch_size)", rate="n_images / float(seconds)")
     .replace("def steps_per_epoch", "import math\n\n\ndef steps_per_epoch")),
]

WRONG += [
    ("ex3_classic", BLANK_CLASSIC, ["ex3_classic_layers", "ex3_classic_compile", "ex3_classic_output"]),
    # Epochs spread over two fit calls: 13 in all where 10 are allowed.
    ("ex6_my_cnn", TWO_FITS.format(layers=REFERENCE_LAYERS, epochs=5, x="x_train", y="y_train", x_val="x_val",
                                   y_val="y_val", metrics='["accuracy"]'), ["ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # A forged History over a model trained for 20 epochs.
    ("ex6_my_cnn", my_cnn(REFERENCE_LAYERS, epochs=20).replace("my_history = my_model.fit(", "_real = my_model.fit(")
     + FORGED_TAIL, ["ex6_my_accuracy", "ex6_my_test_accuracy"]),
    # Blank predictions.
    ("ex8_predict_maps", "predicted_map_shape = None\n", ["ex8_predicted_maps"]),
    # "same" padding assumed.
    ("ex8_predict_maps", "predicted_map_shape = (28, 28, 32)\n", ["ex8_predicted_maps"]),
    ("ex9_predict_steps", "predicted_steps = None\n", ["ex9_predicted_steps"]),
    # Rounded down: the last, smaller batch forgotten.
    ("ex9_predict_steps", "predicted_steps = 7000 // 32\n", ["ex9_predicted_steps"]),
    # Left blank.
    ("ex8_inside", inside(maps="...", strongest="..."), ["ex8_first_layer_maps", "ex8_strongest_filter"]),
    # model.layers[0]: right for a Sequential model, the input layer in a Functional one.
    ("ex8_inside", inside(maps="return np.asarray(keras.Model(model.inputs, model.layers[0].output).predict(images, verbose=0))"),
     ["ex8_first_layer_maps"]),
    # The model's final output instead of the first layer's.
    ("ex8_inside", inside(maps="return np.asarray(model.predict(images, verbose=0))"), ["ex8_first_layer_maps"]),
    # The largest value instead of the largest mean.
    ("ex8_inside", inside(strongest="return int(np.argmax(maps.max(axis=(0, 1))))"), ["ex8_strongest_filter"]),
    # Hard-coded to the visible example.
    ("ex8_inside", inside(strongest="return 2"), ["ex8_strongest_filter"]),
    ("ex9_speed", speed(steps="...", rate="..."), ["ex9_steps_per_epoch", "ex9_images_per_second"]),
    # Rounded down.
    ("ex9_speed", speed(steps="n_images // batch_size"), ["ex9_steps_per_epoch"]),
    # Seconds per image.
    ("ex9_speed", speed(rate="seconds / n_images"), ["ex9_images_per_second"]),
    # Hard-coded to the visible examples.
    ("ex9_speed", speed(steps="{(7000, 128): 55, (7000, 32): 219, (4000, 512): 8}.get((n_images, batch_size), 1)"),
     ["ex9_steps_per_epoch"]),
]
