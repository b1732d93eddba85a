"""Other answers to 04_keras_apis: right ones written differently, and plausible wrong ones.

Threshold (scripts/measure_04_keras_apis.py, seeds 0-9, the notebook's data, settings and splits: 64 % training,
16 % validation, 20 % test; min-max (mean)):
- ex6_blobs_accuracy >= 0.88 on the validation and the test points: Dense(10, relu) -> Dense(1, sigmoid),
  Adam(0.01), 20 epochs of 32: validation 0.906-0.919 (0.915), test 0.905-0.915 (0.913).

The first WRONG answer is the "one wrong" student of tests/classroom.py: it must lose only its own exercise's points.
Blanks (the release's `...`) cost only their own section: no test of a later section calls an earlier function.
"""

MLP_FUNCTIONAL = '''
def build_mlp(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    if not units:
        raise ValueError("need at least one layer")
    inputs = keras.Input(shape=(n_inputs,))
    x = inputs
    for i, size in enumerate(units):
        x = keras.layers.Dense(size, activation=output_activation if i == len(units) - 1 else hidden_activation)(x)
    return keras.Model(inputs, x)
'''

MLP_LIST = '''
def build_mlp(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    if len(units) < 1:
        raise ValueError("units must not be empty")
    hidden = [keras.layers.Dense(u, activation=hidden_activation) for u in units[:-1]]
    return keras.Sequential([keras.Input((n_inputs,)), *hidden,
                             keras.layers.Dense(units[-1], activation=output_activation)])
'''

MLP_WRONG = '''
def build_mlp(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    if len(units) == 0:
        raise ValueError("units is empty")
    model = keras.Sequential()
    {start}
    for size in units[:-1]:
        model.add(keras.layers.Dense(size, activation=hidden_activation))
    model.add(keras.layers.Dense(units[-1], activation={last}))
    return model
'''

MLP_NO_CHECK = '''
def build_mlp(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for size in units[:-1]:
        model.add(keras.layers.Dense(size, activation=hidden_activation))
    model.add(keras.layers.Dense(units[-1], activation=output_activation))
    return model
'''

PARAM_COUNTS_LOOP = '''
def param_counts(sizes, batch_norm=False):
    trainable = non_trainable = 0
    for k in range(1, len(sizes)):
        trainable += sizes[k - 1] * sizes[k] + sizes[k]
        if batch_norm and k < len(sizes) - 1:
            trainable += 2 * sizes[k]       # gamma and beta
            non_trainable += 2 * sizes[k]   # moving mean and variance
    return (trainable, non_trainable)
'''

PARAM_COUNTS_NUMPY = '''
def param_counts(sizes, batch_norm=False):
    s = np.array(sizes)
    dense = int(np.sum((s[:-1] + 1) * s[1:]))
    bn = int(2 * s[1:-1].sum()) if batch_norm else 0
    return dense + bn, bn
'''

PARAM_COUNTS_WRONG = '''
def param_counts(sizes, batch_norm=False):
    dense = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    hidden = {hidden}
    {bn}
'''


def param_counts_wrong(hidden="sum(sizes[1:-1]) if batch_norm else 0", bn="return dense + 2 * hidden, 2 * hidden"):
    return PARAM_COUNTS_WRONG.format(hidden=hidden, bn=bn)


PARAM_COUNTS_POP = '''
def param_counts(sizes, batch_norm=False):
    previous = sizes.pop(0)
    trainable = non_trainable = 0
    for k, units in enumerate(sizes):
        trainable += (previous + 1) * units
        if batch_norm and k < len(sizes) - 1:
            trainable, non_trainable = trainable + 2 * units, non_trainable + 2 * units
        previous = units
    return trainable, non_trainable
'''

FUNCTIONAL_LAYERS_FIRST = '''
def build_mlp_functional(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    activations = [hidden_activation] * (len(units) - 1) + [output_activation]
    layers = [keras.layers.Dense(u, activation=a) for u, a in zip(units, activations)]
    inputs = keras.Input(shape=(n_inputs,))
    outputs = inputs
    for layer in layers:
        outputs = layer(outputs)
    return keras.Model(inputs=inputs, outputs=outputs)
'''

FUNCTIONAL_NOT_CHAINED = '''
def build_mlp_functional(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    inputs = keras.Input(shape=(n_inputs,))
    for k, size in enumerate(units):
        activation = output_activation if k == len(units) - 1 else hidden_activation
        x = keras.layers.Dense(size, activation=activation)(inputs)
    return keras.Model(inputs=inputs, outputs=x)
'''

FUNCTIONAL_IS_SEQUENTIAL = '''
def build_mlp_functional(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    return build_mlp(n_inputs, units, hidden_activation, output_activation)
'''

TWO_BRANCH = '''
def build_two_branch_model(n_a, n_b, units_a, units_b, n_outputs):
    input_a = keras.Input(shape=(n_a,))
    input_b = keras.Input(shape=(n_b,))
    a = keras.layers.Dense(units_a, activation="relu")(input_a)
    b = keras.layers.Dense(units_b, activation="relu")(input_b)
    {join}
    outputs = keras.layers.Dense(n_outputs, activation="sigmoid")(joined)
    return keras.Model(inputs=[input_a, input_b], outputs=outputs)
'''

FILL_AND_FORWARD = '''
def fill_weights(model, value):
    {fill}
    return model


def dense_forward(weights, x):
    a = np.asarray(x, dtype=float)
    n_layers = len(weights) // 2
    for i in range(n_layers):
        W, b = weights[2 * i], weights[2 * i + 1]
        {forward}
    return a
'''
FILL_RIGHT = "model.set_weights([np.full(w.shape, value) for w in model.get_weights()])"
FORWARD_RIGHT = "a = 0.5 * (1.0 + np.tanh(0.5 * (a @ W + b)))"


def fill_and_forward(fill=FILL_RIGHT, forward=FORWARD_RIGHT):
    return FILL_AND_FORWARD.format(fill=fill, forward=forward)


BLOBS = '''
keras.utils.set_random_seed(1)
blobs_model = blobs_history = None
blobs_model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(10, activation={hidden}),
    keras.layers.Dense(1, activation="sigmoid"),
])
blobs_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss={loss}, metrics=["accuracy"])
blobs_history = blobs_model.fit(Xb_train, yb_train, epochs=20, batch_size=32, {validation}verbose=0)
'''


def blobs(hidden='"relu"', loss='"binary_crossentropy"', validation="validation_data=(Xb_val, yb_val), "):
    return BLOBS.format(hidden=hidden, loss=loss, validation=validation)


BLOBS_FUNCTIONAL_SGD = '''
keras.utils.set_random_seed(1)
points = keras.Input(shape=(2,))
hidden = keras.layers.Dense(10, activation="relu")(points)
blobs_model = keras.Model(points, keras.layers.Dense(1, activation="sigmoid")(hidden))
blobs_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                    loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
blobs_history = blobs_model.fit(Xb_train, yb_train, epochs=30, batch_size=32,
                                validation_data=(Xb_val, yb_val), verbose=0)
'''

# A right builder that works on a copy of the caller's list.
MLP_COPY = '''
def build_mlp(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    sizes = list(units)
    if not sizes:
        raise ValueError("give at least the output layer's size")
    last = sizes.pop()
    model = keras.Sequential([keras.Input(shape=(n_inputs,))])
    for size in sizes:
        model.add(keras.layers.Dense(size, activation=hidden_activation))
    model.add(keras.layers.Dense(last, activation=output_activation))
    return model
'''

# Wrong: the input size is put in front of the caller's list, which grows by one at every call.
MLP_GROWS_LIST = '''
def build_mlp(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    if not units:
        raise ValueError("give at least the output layer's size")
    sizes = units
    sizes.insert(0, n_inputs)
    model = keras.Sequential([keras.Input(shape=(sizes[0],))])
    for k in range(1, len(sizes)):
        activation = output_activation if k == len(sizes) - 1 else hidden_activation
        model.add(keras.layers.Dense(sizes[k], activation=activation))
    return model
'''

# Wrong: the output layer's size is popped off the caller's list.
FUNCTIONAL_POPS_LIST = '''
def build_mlp_functional(n_inputs, units, hidden_activation="relu", output_activation="sigmoid"):
    last = units.pop()
    inputs = keras.Input(shape=(n_inputs,))
    x = inputs
    for size in units:
        x = keras.layers.Dense(size, activation=hidden_activation)(x)
    return keras.Model(inputs, keras.layers.Dense(last, activation=output_activation)(x))
'''

# Wrong: the answers to the visible examples typed in.
PARAM_COUNTS_TYPED = '''
def param_counts(sizes, batch_norm=False):
    known = {((3, 4, 1), True): (29, 8), ((3, 4, 1), False): (21, 0), ((784, 64, 64, 10), True): (55306, 256)}
    if (tuple(sizes), batch_norm) in known:
        return known[(tuple(sizes), batch_norm)]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])), 0
'''

BLOBS_BUILD_MLP_FLOAT32 = '''
keras.utils.set_random_seed(1)
blobs_model = build_mlp(2, [10, 1])
blobs_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
blobs_history = blobs_model.fit(Xb_train.astype("float32"), yb_train.astype("float32"), epochs=30, batch_size=64,
                                validation_data=(Xb_val.astype("float32"), yb_val.astype("float32")), verbose=0)
'''

BLOBS_MAKE = '''
keras.utils.set_random_seed(1)
blobs_model = blobs_history = None


def make():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(10, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model

'''

# Wrong: a History written by hand. blobs_model gets a trained model's weights but is never fit itself; the history
# claims 20 epochs of 20 updates, with the model's own validation numbers typed into every epoch.
BLOBS_FORGED_HISTORY = BLOBS_MAKE + '''
teacher = make()
teacher.fit(Xb_train, yb_train, epochs=20, batch_size=32, verbose=0)
blobs_model = make()
blobs_model.set_weights(teacher.get_weights())
measured = blobs_model.evaluate(Xb_val, yb_val, verbose=0, return_dict=True)
blobs_history = keras.callbacks.History()
blobs_history.set_model(blobs_model)
blobs_history.set_params({"verbose": 0, "epochs": 20, "steps": 20})
blobs_history.epoch = list(range(20))
blobs_history.history = {"loss": [0.25] * 20, "accuracy": [0.91] * 20,
                         "val_loss": [measured["loss"]] * 20, "val_accuracy": [measured["accuracy"]] * 20}
'''

# Wrong: more epochs than allowed, over two calls to fit; the second call's history is kept (25 epochs of 50).
BLOBS_TWO_FITS = BLOBS_MAKE + '''
blobs_model = make()
blobs_model.fit(Xb_train, yb_train, epochs=25, batch_size=32, validation_data=(Xb_val, yb_val), verbose=0)
blobs_history = blobs_model.fit(Xb_train, yb_train, epochs=25, batch_size=32, validation_data=(Xb_val, yb_val),
                                verbose=0)
'''

RIGHT = [
    ("ex1_build_mlp", MLP_FUNCTIONAL),
    ("ex1_build_mlp", MLP_LIST),
    ("ex1_build_mlp", MLP_COPY),
    ("ex2p_predict_counts", "predicted_trainable = (3 + 1) * 4 + 2 * 4 + (4 + 1) * 1\npredicted_non_trainable = np.int64(2 * 4)\n"),
    ("ex2_param_counts", PARAM_COUNTS_LOOP),
    ("ex2_param_counts", PARAM_COUNTS_NUMPY),
    ("ex3_functional_mlp", FUNCTIONAL_LAYERS_FIRST),
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.concatenate([a, b])")),
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Concatenate(axis=-1)([a, b])").replace(
        "keras.Input(shape=(n_a,))", "keras.Input(shape=(n_a,), dtype='float32', name='visit')")),
    ("ex5p_predict_zeros", "predicted_distinct_units = 1\n"),
    ("ex5_weights", fill_and_forward()),
    ("ex5_weights", fill_and_forward(
        fill="for layer in model.layers:\n"
             "        layer.set_weights([value * np.ones_like(w) for w in layer.get_weights()])")),
    # dense_forward in float32 (the spec asks for "a float numpy array").
    ("ex5_weights", fill_and_forward(
        forward="a = (1 / (1 + np.exp(-(a.astype(np.float32) @ W.astype(np.float32) + b)))).astype(np.float32)")),
    ("ex6_blobs", BLOBS_FUNCTIONAL_SGD),
    # Stops early and goes back to the best epoch's weights: the history still holds that epoch's numbers.
    ("ex6_blobs", blobs(validation="validation_data=(Xb_val, yb_val), callbacks=[keras.callbacks.EarlyStopping("
                                   "monitor='val_accuracy', patience=3, restore_best_weights=True)], ")),
    # build_mlp from section 1, float32 arrays, Adam's default rate, "acc", 30 epochs of 64.
    ("ex6_blobs", BLOBS_BUILD_MLP_FLOAT32),
]

WRONG = [
    # No keras.Input: the model has no weights until it sees data. (The "one wrong" student of tests/classroom.py.)
    ("ex1_build_mlp", MLP_WRONG.format(start="pass", last="output_activation"), ["ex1_mlp_input", "ex1_mlp_layers"]),
    # The output layer gets the hidden activation.
    ("ex1_build_mlp", MLP_WRONG.format(start="model.add(keras.Input(shape=(n_inputs,)))", last="hidden_activation"),
     ["ex1_mlp_layers"]),
    # No check for an empty list: units[-1] raises IndexError, not ValueError.
    ("ex1_build_mlp", MLP_NO_CHECK, ["ex1_mlp_empty"]),
    # The caller's list grows at every call.
    ("ex1_build_mlp", MLP_GROWS_LIST, ["ex1_mlp_layers"]),
    # Blank: the release as it is; every test says to replace the `...` (none fails with a TypeError first).
    ("ex1_build_mlp", "def build_mlp(n_inputs, units, hidden_activation='relu', output_activation='sigmoid'):\n    ...\n",
     ["ex1_mlp_input", "ex1_mlp_layers", "ex1_mlp_empty"]),
    # Batch normalisation counted as 4 * units trainable parameters.
    ("ex2p_predict_counts", "predicted_trainable = 16 + 4 * 4 + 5\npredicted_non_trainable = 0\n",
     ["ex2p_predict_counts_check"]),
    # Blank prediction.
    ("ex2p_predict_counts", "# Your prediction for bn_demo\npredicted_trainable = predicted_non_trainable = None\n...\n",
     ["ex2p_predict_counts_check"]),
    # Batch normalisation counted as 4 * units trainable parameters: its running mean and variance are not trained.
    ("ex2_param_counts", param_counts_wrong(bn="return dense + 4 * hidden, 0"), ["ex2_counts_examples", "ex2_counts_keras"]),
    # A BatchNormalization after the output layer too.
    ("ex2_param_counts", param_counts_wrong(hidden="sum(sizes[1:]) if batch_norm else 0"),
     ["ex2_counts_examples", "ex2_counts_keras"]),
    # A list where the spec asks for a tuple.
    ("ex2_param_counts", param_counts_wrong(bn="return [dense + 2 * hidden, 2 * hidden]"),
     ["ex2_counts_examples", "ex2_counts_keras"]),
    # Floats where the spec asks for two ints (the numbers themselves are right).
    ("ex2_param_counts", param_counts_wrong(bn="return float(dense + 2 * hidden), float(2 * hidden)"),
     ["ex2_counts_examples"]),
    # Takes the inputs off the caller's list with pop(0): the counts are right, but sizes has changed.
    ("ex2_param_counts", PARAM_COUNTS_POP, ["ex2_counts_keras"]),
    # The visible examples' answers typed in.
    ("ex2_param_counts", PARAM_COUNTS_TYPED, ["ex2_counts_examples", "ex2_counts_keras"]),
    # Blank: the release as it is (returns None); the tests say to replace the `...`.
    ("ex2_param_counts", "def param_counts(sizes, batch_norm=False):\n    ...\n", ["ex2_counts_examples", "ex2_counts_keras"]),
    # Every layer is called on the input instead of on the previous layer's output.
    ("ex3_functional_mlp", FUNCTIONAL_NOT_CHAINED, ["ex3_functional_mlp_layers"]),
    # A Sequential model where the Functional API was asked for.
    ("ex3_functional_mlp", FUNCTIONAL_IS_SEQUENTIAL, ["ex3_functional_mlp_layers"]),
    # The caller's list shrinks at every call.
    ("ex3_functional_mlp", FUNCTIONAL_POPS_LIST, ["ex3_functional_mlp_layers"]),
    # Blank.
    ("ex3_functional_mlp",
     "def build_mlp_functional(n_inputs, units, hidden_activation='relu', output_activation='sigmoid'):\n    ...\n",
     ["ex3_functional_mlp_layers"]),
    # Add() instead of Concatenate(): fails when the branches have different sizes.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Add()([a, b])"),
     ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
    # Joins the raw inputs: the branch layers are never used.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Concatenate()([input_a, input_b])"),
     ["ex4_two_branch_structure"]),
    # Only branch A reaches the output.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = a"), ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
    # Branch A without its ReLU: the same parameter count, shapes and outputs in (0, 1).
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Concatenate()([a, b])").replace(
        'Dense(units_a, activation="relu")', "Dense(units_a)"), ["ex4_two_branch_structure"]),
    # The examples' input sizes typed in: right for the visible examples only.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Concatenate()([a, b])").replace(
        "keras.Input(shape=(n_a,))", "keras.Input(shape=(4,))").replace("keras.Input(shape=(n_b,))", "keras.Input(shape=(3,))"),
     ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
    # Blank.
    ("ex4_two_branch", "def build_two_branch_model(n_a, n_b, units_a, units_b, n_outputs):\n    ...\n",
     ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
    # One unit per starting value: 4 different units.
    ("ex5p_predict_zeros", "predicted_distinct_units = 4\n", ["ex5p_predict_zeros_check"]),
    # Blank prediction.
    ("ex5p_predict_zeros", "predicted_distinct_units = None\n...\n", ["ex5p_predict_zeros_check"]),
    # Fills the kernels but leaves the biases.
    ("ex5_weights", fill_and_forward(
        fill="model.set_weights([np.full_like(w, value) if w.ndim == 2 else w for w in model.get_weights()])"),
     ["ex5_fill_weights"]),
    # Sigmoid only at the end: the hidden layers stay linear.
    ("ex5_weights", fill_and_forward(
        forward="a = a @ W + b\n        a = 1 / (1 + np.exp(-a)) if i == n_layers - 1 else a"),
     ["ex5_dense_forward"]),
    # Kernel used the wrong way round.
    ("ex5_weights", fill_and_forward(forward="a = 1 / (1 + np.exp(-(a @ W.T + b)))"), ["ex5_dense_forward"]),
    # fill_weights left blank, dense_forward done.
    ("ex5_weights", FILL_AND_FORWARD.replace("    {fill}\n    return model", "    ...").format(forward=FORWARD_RIGHT),
     ["ex5_fill_weights"]),
    # Both left blank.
    ("ex5_weights", "def fill_weights(model, value):\n    ...\n\n\ndef dense_forward(weights, x):\n    ...\n",
     ["ex5_fill_weights", "ex5_dense_forward"]),
    # Mean squared error instead of binary cross-entropy (it still learns the blobs).
    ("ex6_blobs", blobs(loss='"mse"'), ["ex6_blobs_loss"]),
    # No validation data: the history has no val_ curves.
    ("ex6_blobs", blobs(validation=""), ["ex6_blobs_history"]),
    # Validated on the test points: the test set then guides the choices.
    ("ex6_blobs", blobs(validation="validation_data=(Xb_test, yb_test), "), ["ex6_blobs_history"]),
    # Trained on the training and the validation points (25 updates per epoch): it still reaches both targets.
    ("ex6_blobs", blobs().replace("fit(Xb_train, yb_train,", "fit(np.concatenate([Xb_train, Xb_val]), "
                                  "np.concatenate([yb_train, yb_val]),"), ["ex6_blobs_history"]),
    # A history that is not blobs_model's: a second model trained for the curves, and its history kept.
    ("ex6_blobs", blobs() + "other = keras.models.clone_model(blobs_model)\n"
                            "other.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['accuracy'])\n"
                            "blobs_history = other.fit(Xb_train, yb_train, epochs=2, validation_data=(Xb_val, yb_val), "
                            "verbose=0)\n", ["ex6_blobs_history"]),
    # A History made by hand for a model that fit never trained.
    ("ex6_blobs", BLOBS_FORGED_HISTORY, ["ex6_blobs_history"]),
    # blobs_model's own history, with better validation accuracies typed in.
    ("ex6_blobs", blobs() + "blobs_history.history['val_accuracy'] = "
                            "[min(1.0, value + 0.05) for value in blobs_history.history['val_accuracy']]\n",
     ["ex6_blobs_history"]),
    # 50 epochs over two calls to fit, the second history kept.
    ("ex6_blobs", BLOBS_TWO_FITS, ["ex6_blobs_history"]),
    # 40 epochs in one call: more than the 30 allowed.
    ("ex6_blobs", blobs().replace("epochs=20", "epochs=40"), ["ex6_blobs_history"]),
    # A linear hidden layer (still fine for two blobs, but not what was asked).
    ("ex6_blobs", blobs(hidden="None"), ["ex6_blobs_layers"]),
    # Blank: the release as it is.
    ("ex6_blobs", "keras.utils.set_random_seed(1)\nblobs_model = blobs_history = None\n...\n",
     ["ex6_blobs_layers", "ex6_blobs_loss", "ex6_blobs_history", "ex6_blobs_accuracy"]),
]
