"""Other answers to 04_keras_apis: right ones written differently, and plausible wrong ones.

Thresholds (scripts/measure_04_keras_apis.py, 10 seeds, the notebook's data and settings):
- ex6_blobs_accuracy >= 0.88: Dense(10, relu) -> Dense(1, sigmoid), Adam(0.01), 20 epochs of 32:
  test accuracy 0.900-0.915 over seeds 0-9 (mean 0.911).
- ex7_circles_accuracy >= 0.75: hidden layers [20, 10], Adam(0.01), 20 epochs of 32: 0.780-0.805 over seeds
  0-9 (mean 0.790). For comparison [10]: 0.780-0.810; [2]: 0.470-0.735; no hidden layer: 0.395-0.415.
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


def blobs(hidden='"relu"', loss='"binary_crossentropy"', validation="validation_data=(Xb_test, yb_test), "):
    return BLOBS.format(hidden=hidden, loss=loss, validation=validation)


BLOBS_FUNCTIONAL_SGD = '''
keras.utils.set_random_seed(1)
points = keras.Input(shape=(2,))
hidden = keras.layers.Dense(10, activation="relu")(points)
blobs_model = keras.Model(points, keras.layers.Dense(1, activation="sigmoid")(hidden))
blobs_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                    loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
blobs_history = blobs_model.fit(Xb_train, yb_train, epochs=30, batch_size=32,
                                validation_data=(Xb_test, yb_test), verbose=0)
'''

CIRCLES = '''
def build_circles_model(hidden_units):
    model = keras.Sequential([keras.Input(shape=(2,))])
    for size in hidden_units:
        model.add(keras.layers.Dense(size{activation}))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    {compile}
    return model
'''
CIRCLES_COMPILE = ('model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", '
                   'metrics=["accuracy"])')

CIRCLES_FUNCTIONAL = '''
def build_circles_model(hidden_units):
    inputs = keras.Input(shape=(2,))
    x = inputs
    for size in hidden_units:
        x = keras.layers.Dense(size, activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.BinaryCrossentropy(),
                  metrics=["accuracy"])
    return model
'''

EXPERIMENT_LIST = '''
def build_experiment_model(activation="relu", initializer="glorot_uniform", dropout=0.0, batch_norm=False,
                           hidden_units=(16, 16)):
    layers = [keras.Input(shape=(2,))]
    for size in hidden_units:
        layers.append(keras.layers.Dense(size, activation=activation, kernel_initializer=initializer))
        layers += [keras.layers.BatchNormalization()] if batch_norm else []
        layers += [keras.layers.Dropout(rate=dropout)] if dropout else []
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
'''

EXPERIMENT_WRONG = '''
def build_experiment_model(activation="relu", initializer="glorot_uniform", dropout=0.0, batch_norm=False,
                           hidden_units=(16, 16)):
    model = keras.Sequential([keras.Input(shape=(2,))])
    for size in hidden_units:
        model.add(keras.layers.Dense(size, activation=activation{init}))
        if batch_norm:
            model.add(keras.layers.BatchNormalization())
        {inner_dropout}
    {outer_dropout}
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
'''
DROPOUT_IN_LOOP = "if dropout > 0:\n            model.add(keras.layers.Dropout(dropout))"
DROPOUT_ONCE = "if dropout > 0:\n        model.add(keras.layers.Dropout(dropout))"


def experiment_wrong(init=", kernel_initializer=initializer", inner=DROPOUT_IN_LOOP, outer="pass"):
    return EXPERIMENT_WRONG.format(init=init, inner_dropout=inner, outer_dropout=outer)


RIGHT = [
    ("ex1_build_mlp", MLP_FUNCTIONAL),
    ("ex1_build_mlp", MLP_LIST),
    ("ex2_param_count", "def dense_param_count(sizes):\n"
                        "    total = 0\n"
                        "    for i in range(1, len(sizes)):\n"
                        "        total += sizes[i - 1] * sizes[i] + sizes[i]\n"
                        "    return total\n"),
    ("ex2_param_count", "def dense_param_count(sizes):\n"
                        "    sizes = np.array(sizes)\n"
                        "    return int(np.sum(sizes[:-1] * sizes[1:] + sizes[1:]))\n"),
    ("ex3_functional_mlp", FUNCTIONAL_LAYERS_FIRST),
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.concatenate([a, b])")),
    ("ex5_weights", fill_and_forward()),
    ("ex5_weights", fill_and_forward(
        fill="for layer in model.layers:\n"
             "        layer.set_weights([value * np.ones_like(w) for w in layer.get_weights()])")),
    ("ex6_blobs", BLOBS_FUNCTIONAL_SGD),
    # Stops early and goes back to the best epoch's weights: the history still holds that epoch's accuracy.
    ("ex6_blobs", blobs(validation="validation_data=(Xb_test, yb_test), callbacks=[keras.callbacks.EarlyStopping("
                                   "monitor='val_accuracy', patience=3, restore_best_weights=True)], ")),
    ("ex7_circles", CIRCLES_FUNCTIONAL),
    ("ex8_experiment", EXPERIMENT_LIST),
]

WRONG = [
    # No keras.Input: the model has no weights until it sees data.
    ("ex1_build_mlp", MLP_WRONG.format(start="pass", last="output_activation"), ["ex1_mlp_input", "ex1_mlp_layers"]),
    # The output layer gets the hidden activation.
    ("ex1_build_mlp", MLP_WRONG.format(start="model.add(keras.Input(shape=(n_inputs,)))", last="hidden_activation"),
     ["ex1_mlp_layers"]),
    # No check for an empty list: units[-1] raises IndexError, not ValueError.
    ("ex1_build_mlp", MLP_NO_CHECK, ["ex1_mlp_empty"]),
    # Forgets the biases.
    ("ex2_param_count", "def dense_param_count(sizes):\n"
                        "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))\n",
     ["ex2_count_examples", "ex2_count_keras"]),
    # One bias per input instead of one per unit.
    ("ex2_param_count", "def dense_param_count(sizes):\n"
                        "    return sum(a * (b + 1) for a, b in zip(sizes[:-1], sizes[1:]))\n",
     ["ex2_count_examples", "ex2_count_keras"]),
    # Every layer is called on the input instead of on the previous layer's output.
    ("ex3_functional_mlp", FUNCTIONAL_NOT_CHAINED, ["ex3_functional_mlp_layers"]),
    # A Sequential model where the Functional API was asked for.
    ("ex3_functional_mlp", FUNCTIONAL_IS_SEQUENTIAL, ["ex3_functional_mlp_layers"]),
    # Add() instead of Concatenate(): fails when the branches have different sizes.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Add()([a, b])"),
     ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
    # Joins the raw inputs: the branch layers are never used.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Concatenate()([input_a, input_b])"),
     ["ex4_two_branch_structure"]),
    # Only branch A reaches the output.
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = a"), ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
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
    # Mean squared error instead of binary cross-entropy (it still learns the blobs).
    ("ex6_blobs", blobs(loss='"mse"'), ["ex6_blobs_loss"]),
    # No validation data: the history has no val_ curves.
    ("ex6_blobs", blobs(validation=""), ["ex6_blobs_history"]),
    # A history that is not blobs_model's: a second model trained for the curves, and its history kept.
    ("ex6_blobs", blobs() + "other = keras.models.clone_model(blobs_model)\n"
                            "other.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['accuracy'])\n"
                            "blobs_history = other.fit(Xb_train, yb_train, epochs=2, validation_data=(Xb_test, yb_test), "
                            "verbose=0)\n", ["ex6_blobs_history"]),
    # A linear hidden layer (still fine for two blobs, but not what was asked).
    ("ex6_blobs", blobs(hidden="None"), ["ex6_blobs_layers"]),
    # Hidden layers without an activation: a linear model cannot draw a ring.
    ("ex7_circles", CIRCLES.format(activation="", compile=CIRCLES_COMPILE),
     ["ex7_circles_layers", "ex7_circles_accuracy"]),
    # Never compiled: fit fails, so there is no trained large_model.
    ("ex7_circles", CIRCLES.format(activation=', activation="relu"', compile="pass"),
     ["ex7_circles_layers", "ex7_circles_accuracy"]),
    # The initializer is ignored.
    ("ex8_experiment", experiment_wrong(init=""), ["ex8_experiment_options"]),
    # One Dropout after all hidden layers instead of one per hidden layer.
    ("ex8_experiment", experiment_wrong(inner="pass", outer=DROPOUT_ONCE), ["ex8_experiment_options"]),
]
