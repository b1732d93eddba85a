"""Other answers to 04_keras_apis: right ones written differently, and plausible wrong ones.

Thresholds (scripts/measure_04_keras_apis.py, seeds 0-9, the notebook's data, settings and splits: 64 % training,
16 % validation, 20 % test; min-max (mean)):
- ex6_blobs_accuracy >= 0.88 on the validation and the test points: Dense(10, relu) -> Dense(1, sigmoid),
  Adam(0.01), 20 epochs of 32: validation 0.906-0.919 (0.915), test 0.905-0.915 (0.913).
- ex7_regression_beats_baseline, MSE <= 0.75 x the baseline's (predicting the training mean) on the validation and
  the test patients: Dense(16, relu) -> Dense(1), Adam(0.01), 60 epochs of 32, standardised features and target:
  MSE / baseline 0.569-0.632 (0.593) on validation, 0.469-0.602 (0.538) on test.
- ex8_optimizer_behaviour, the same network trained full-batch for 40 epochs on the diabetes training set (the
  test uses seed 0): final loss SGD(0.01) / Adam(0.01) >= 1.2: measured 1.34-1.95 (1.52; seed 0: 1.34);
  SGD / SGD with momentum 0.9 >= 1.1: 1.24-1.87 (seed 0: 1.30); SGD(0.001) / SGD(0.01) >= 1.15: 1.26-2.51 (seed 0:
  2.19); SGD(3.0) ends in nan for every seed. Final losses: SGD 0.534-0.850, momentum 0.431-0.466, Adam
  0.389-0.465, SGD(0.1) 0.423-0.455, SGD(0.001) 0.741-1.947.
- ex9_cancer_accuracy >= 0.93 on the standardised validation set and >= 0.92 on the test set: Dense(16, relu) ->
  Dense(1, sigmoid), Adam(0.01), 30 epochs of 32: validation 0.956-0.978 (0.970), test 0.965-0.991 (0.980). The
  same network on raw features: validation 0.857-0.956, test 0.798-0.974. Majority baseline 0.626 / 0.632.
- ex10_circles_accuracy >= 0.75 on the validation and the test points: hidden layers [20, 10], Adam(0.01), 20 epochs
  of 32: validation 0.769-0.806 (0.791), test 0.780-0.790 (0.785). For the table (validation): [10] 0.775-0.812;
  [2] 0.456-0.762; no hidden layer 0.394-0.425.
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
    ("ex2_param_counts", PARAM_COUNTS_LOOP),
    ("ex2_param_counts", PARAM_COUNTS_NUMPY),
    ("ex3_functional_mlp", FUNCTIONAL_LAYERS_FIRST),
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.concatenate([a, b])")),
    ("ex5_weights", fill_and_forward()),
    ("ex5_weights", fill_and_forward(
        fill="for layer in model.layers:\n"
             "        layer.set_weights([value * np.ones_like(w) for w in layer.get_weights()])")),
    ("ex6_blobs", BLOBS_FUNCTIONAL_SGD),
    # Stops early and goes back to the best epoch's weights: the history still holds that epoch's accuracy.
    ("ex6_blobs", blobs(validation="validation_data=(Xb_val, yb_val), callbacks=[keras.callbacks.EarlyStopping("
                                   "monitor='val_accuracy', patience=3, restore_best_weights=True)], ")),
    ("ex10_circles", CIRCLES_FUNCTIONAL),
    ("ex11_experiment", EXPERIMENT_LIST),
]

WRONG = [
    # No keras.Input: the model has no weights until it sees data.
    ("ex1_build_mlp", MLP_WRONG.format(start="pass", last="output_activation"), ["ex1_mlp_input", "ex1_mlp_layers"]),
    # The output layer gets the hidden activation.
    ("ex1_build_mlp", MLP_WRONG.format(start="model.add(keras.Input(shape=(n_inputs,)))", last="hidden_activation"),
     ["ex1_mlp_layers"]),
    # No check for an empty list: units[-1] raises IndexError, not ValueError.
    ("ex1_build_mlp", MLP_NO_CHECK, ["ex1_mlp_empty"]),
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
    # Blank: the release as it is (returns None); the tests say to replace the `...`.
    ("ex2_param_counts", "def param_counts(sizes, batch_norm=False):\n    ...\n", ["ex2_counts_examples", "ex2_counts_keras"]),
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
    # Branch A without its ReLU: the same parameter count, shapes and outputs in (0, 1).
    ("ex4_two_branch", TWO_BRANCH.format(join="joined = keras.layers.Concatenate()([a, b])").replace(
        'Dense(units_a, activation="relu")', "Dense(units_a)"), ["ex4_two_branch_structure"]),
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
    # Trained on the training and the validation points (25 updates per epoch): it still reaches both targets.
    ("ex6_blobs", blobs().replace("fit(Xb_train, yb_train,", "fit(np.concatenate([Xb_train, Xb_val]), "
                                  "np.concatenate([yb_train, yb_val]),"), ["ex6_blobs_history"]),
    # A history that is not blobs_model's: a second model trained for the curves, and its history kept.
    ("ex6_blobs", blobs() + "other = keras.models.clone_model(blobs_model)\n"
                            "other.compile(optimizer='sgd', loss='binary_crossentropy', metrics=['accuracy'])\n"
                            "blobs_history = other.fit(Xb_train, yb_train, epochs=2, validation_data=(Xb_val, yb_val), "
                            "verbose=0)\n", ["ex6_blobs_history"]),
    # A linear hidden layer (still fine for two blobs, but not what was asked).
    ("ex6_blobs", blobs(hidden="None"), ["ex6_blobs_layers"]),
    # Hidden layers without an activation: a linear model cannot draw a ring.
    ("ex10_circles", CIRCLES.format(activation="", compile=CIRCLES_COMPILE),
     ["ex10_circles_layers", "ex10_circles_accuracy"]),
    # Never compiled: fit fails, so there is no trained large_model.
    ("ex10_circles", CIRCLES.format(activation=', activation="relu"', compile="pass"),
     ["ex10_circles_layers", "ex10_circles_accuracy"]),
    # The initializer is ignored.
    ("ex11_experiment", experiment_wrong(init=""), ["ex11_experiment_options"]),
    # The initializer also given to the output layer.
    ("ex11_experiment", EXPERIMENT_LIST.replace('Dense(1, activation="sigmoid")',
                                                'Dense(1, activation="sigmoid", kernel_initializer=initializer)'),
     ["ex11_experiment_options"]),
    # One Dropout after all hidden layers instead of one per hidden layer.
    ("ex11_experiment", experiment_wrong(inner="pass", outer=DROPOUT_ONCE), ["ex11_experiment_options"]),
]

# ------------------------------------------------------------------------------------------ fixes in sections 1-6, 11
FILL_BLANK = FILL_AND_FORWARD.replace("    {fill}\n    return model", "    ...").format(forward=FORWARD_RIGHT)

EXPERIMENT_FUNCTIONAL = '''
def build_experiment_model(activation="relu", initializer="glorot_uniform", dropout=0.0, batch_norm=False,
                           hidden_units=(16, 16)):
    inputs = keras.Input(shape=(2,))
    x = inputs
    for size in hidden_units:
        x = keras.layers.Dense(size, activation=activation, kernel_initializer=initializer)(x)
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout)(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    return model
'''

RIGHT += [
    # A Functional model: its first layer is the InputLayer, which the tests must skip.
    ("ex11_experiment", EXPERIMENT_FUNCTIONAL),
]

WRONG += [
    # Blank: the release as it is; every test says to replace the `...` (none fails with a TypeError first).
    ("ex1_build_mlp", "def build_mlp(n_inputs, units, hidden_activation='relu', output_activation='sigmoid'):\n    ...\n",
     ["ex1_mlp_input", "ex1_mlp_layers", "ex1_mlp_empty"]),
    ("ex4_two_branch", "def build_two_branch_model(n_a, n_b, units_a, units_b, n_outputs):\n    ...\n",
     ["ex4_two_branch_structure", "ex4_two_branch_behaviour"]),
    ("ex5_weights", FILL_BLANK, ["ex5_fill_weights"]),
    # Validated on the test points: the test set then guides the choices.
    ("ex6_blobs", blobs(validation="validation_data=(Xb_test, yb_test), "), ["ex6_blobs_history"]),
]

# ---------------------------------------------------------------------------------------------------- section 7
BCE_TRUE_CLASS = '''
def binary_cross_entropy(y_true, p):
    p_true = np.where(np.asarray(y_true) == 1, p, 1 - np.asarray(p))
    return float(np.mean(-np.log(p_true)))
'''

BCE_LOOP = '''
import math

def binary_cross_entropy(y_true, p):
    total = 0.0
    for label, prob in zip(y_true, p):
        total += -math.log(prob) if label == 1 else -math.log(1 - prob)
    return total / len(y_true)
'''

BCE_WRONG = '''
def binary_cross_entropy(y_true, p):
    y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    {result}
'''

REGRESSION = '''
def build_regression_model(n_features):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1{output})])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss={loss}, metrics={metrics})
    return model
'''


def regression(output="", loss='"mse"', metrics='["mae"]'):
    return REGRESSION.format(output=output, loss=loss, metrics=metrics)


REGRESSION_FUNCTIONAL = '''
def build_regression_model(n_features):
    inputs = keras.Input(shape=(n_features,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(1, activation="linear")(hidden)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.MeanAbsoluteError()])
    return model
'''

RIGHT += [
    ("ex7_cross_entropy", BCE_TRUE_CLASS),
    ("ex7_cross_entropy", BCE_LOOP),
    ("ex7_regression", REGRESSION_FUNCTIONAL),
    # The metric's long name.
    ("ex7_regression", regression(metrics='["mean_absolute_error"]')),
]

WRONG += [
    # The sum over samples instead of the mean.
    ("ex7_cross_entropy", BCE_WRONG.format(result="return float(losses.sum())"), ["ex7_bce_values"]),
    # Only the class-1 term: samples of class 0 cost nothing.
    ("ex7_cross_entropy", BCE_WRONG.format(result="return float(np.mean(-y_true * np.log(p)))"), ["ex7_bce_values"]),
    # One loss per sample instead of their mean.
    ("ex7_cross_entropy", BCE_WRONG.format(result="return losses"), ["ex7_bce_values"]),
    # A sigmoid output copied from the classifiers: predictions stuck in (0, 1) for a target that is mostly outside.
    # (Measured: it still beats 0.75 x the baseline, as the targets above the mean are the ones it can follow.)
    ("ex7_regression", regression(output=', activation="sigmoid"'), ["ex7_regression_model"]),
    # The mean absolute error as the loss (mse asked for).
    ("ex7_regression", regression(loss='"mae"'), ["ex7_regression_model"]),
    # Binary cross-entropy, the classifiers' loss, on a regression target.
    ("ex7_regression", regression(loss='"binary_crossentropy"'),
     ["ex7_regression_model", "ex7_regression_beats_baseline"]),
    # No metrics: evaluate reports the loss only, not the mean absolute error asked for.
    ("ex7_regression", regression(metrics="None"), ["ex7_regression_model"]),
    # The mean squared error as the metric too: the same number as the loss, not the mean absolute error.
    ("ex7_regression", regression(metrics='["mse"]'), ["ex7_regression_model"]),
]

# ---------------------------------------------------------------------------------------------------- section 8
LOSS_CURVE = '''
def loss_curve(optimizer_name, learning_rate, x, y, epochs, seed=0):
    makers = {{"sgd": lambda: keras.optimizers.SGD(learning_rate={sgd_rate}),
              "momentum": lambda: keras.optimizers.SGD(learning_rate={momentum_rate}, momentum={momentum}),
              "adam": lambda: keras.optimizers.Adam(learning_rate={adam_rate})}}
    if optimizer_name not in makers:
        raise ValueError(f"unknown optimizer {{optimizer_name!r}}")
    {seed_first}
    inputs = keras.Input(shape=(x.shape[1],))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(16, activation="relu")(inputs))
    model = keras.Model(inputs, outputs)
    {seed_after}
    model.compile(optimizer=makers[optimizer_name](), loss=keras.losses.MeanSquaredError())
    history = model.fit(x, y, epochs=epochs, batch_size={batch}, verbose=0)
    return {result}
'''


def loss_curve(sgd_rate="learning_rate", momentum_rate="learning_rate", momentum="0.9", adam_rate="learning_rate",
               seed_first="keras.utils.set_random_seed(seed)", seed_after="", batch="len(x)",
               result="np.asarray(history.history['loss'], dtype=float).tolist()"):
    return LOSS_CURVE.format(sgd_rate=sgd_rate, momentum_rate=momentum_rate, momentum=momentum, adam_rate=adam_rate,
                             seed_first=seed_first, seed_after=seed_after, batch=batch, result=result)


RIGHT += [
    ("ex8_loss_curve", loss_curve()),
]

WRONG += [
    # "momentum" is plain SGD: momentum=0.
    ("ex8_loss_curve", loss_curve(momentum="0.0"), ["ex8_optimizer_behaviour"]),
    # The seed is set after the model is built: runs start from different weights, so neither the first losses
    # nor the comparisons between runs agree.
    ("ex8_loss_curve", loss_curve(seed_first="", seed_after="keras.utils.set_random_seed(seed)"),
     ["ex8_loss_curve_values", "ex8_optimizer_behaviour"]),
    # The learning rate is ignored: Keras' defaults (SGD 0.01, Adam 0.001).
    ("ex8_loss_curve", loss_curve(sgd_rate="0.01", momentum_rate="0.01", adam_rate="0.001"), ["ex8_optimizer_behaviour"]),
    # The whole history dict instead of the list of losses.
    ("ex8_loss_curve", loss_curve(result="history.history"), ["ex8_loss_curve_values", "ex8_optimizer_behaviour"]),
    # Mini-batches of 32 (Keras' default) instead of one full batch: the first epoch's loss then depends on the optimizer.
    ("ex8_loss_curve", loss_curve(batch="32"), ["ex8_loss_curve_values"]),
]

# ---------------------------------------------------------------------------------------------------- section 9
STANDARDISE = '''
def standardise(x_train, x):
    {body}


def majority_baseline(y_train, y_eval):
    {baseline}
'''
STANDARDISE_RIGHT = ("x_train = np.asarray(x_train, dtype=float)\n"
                     "    mean, std = x_train.mean(axis=0), x_train.std(axis=0)\n"
                     "    std[std == 0] = 1.0\n"
                     "    return (np.asarray(x, dtype=float) - mean) / std")
BASELINE_RIGHT = ("labels, counts = np.unique(y_train, return_counts=True)\n"
                  "    return float(np.mean(np.asarray(y_eval) == labels[np.argmax(counts)]))")


def standardise_variant(body=STANDARDISE_RIGHT, baseline=BASELINE_RIGHT):
    return STANDARDISE.format(body=body, baseline=baseline)


CANCER = '''
keras.utils.set_random_seed(9)
cancer_model = cancer_history = None
cancer_model = keras.Sequential([keras.Input(shape=(30,)), keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dense(1, activation="sigmoid")])
cancer_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics={metrics})
cancer_history = cancer_model.fit({train}, yk_train, epochs=30, batch_size=32, validation_data={validation}, verbose=0)
'''


def cancer(train="Xk_train_std", validation="(Xk_val_std, yk_val)", metrics='["accuracy"]'):
    return CANCER.format(train=train, validation=validation, metrics=metrics)


# Left blank, as the release shows it (with majority_baseline done): the given cell after "Your turn (2)" then
# standardises with scikit-learn's StandardScaler, so the blank costs the standardise test only
# (tests/classroom.py grades this one too).
BLANK_STANDARDISE = '''
def standardise(x_train, x):
    """x scaled with the per-feature mean and standard deviation of x_train."""
    ...


def majority_baseline(y_train, y_eval):
    """Accuracy on y_eval of always predicting the most common label of y_train."""
    return float(np.mean(np.asarray(y_eval) == np.argmax(np.bincount(np.asarray(y_train, dtype=int)))))
'''

CANCER_FUNCTIONAL = '''
keras.utils.set_random_seed(10)
features = keras.Input(shape=(30,))
hidden = keras.layers.Dropout(0.2)(keras.layers.Dense(32, activation="relu")(features))
hidden = keras.layers.Dense(8, activation="relu")(hidden)
cancer_model = keras.Model(features, keras.layers.Dense(1, activation="sigmoid")(hidden))
cancer_model.compile(optimizer=keras.optimizers.Adam(0.005), loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
cancer_history = cancer_model.fit(Xk_train_std, yk_train, epochs=40, batch_size=16, verbose=0,
                                  validation_data=(Xk_val_std, yk_val),
                                  callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=5,
                                                                           restore_best_weights=True)])
'''

RIGHT += [
    ("ex9_standardise", standardise_variant()),
    # scikit-learn's scaler does the same (and leaves constant features unscaled).
    ("ex9_standardise", standardise_variant(
        body="from sklearn.preprocessing import StandardScaler as Scaler\n"
             "    return Scaler().fit(x_train).transform(np.asarray(x, dtype=float))")),
    ("ex9_cancer_model", CANCER_FUNCTIONAL),
    # Another spelling of the accuracy metric.
    ("ex9_cancer_model", cancer(metrics='["acc"]')),
]

WRONG += [
    # The statistics of x itself instead of the training set's.
    ("ex9_standardise", standardise_variant(body="return (x - x.mean(axis=0)) / x.std(axis=0)"), ["ex9_standardise_values"]),
    # No guard for a constant feature: division by 0.
    ("ex9_standardise", standardise_variant(
        body="return (np.asarray(x, dtype=float) - x_train.mean(axis=0)) / x_train.std(axis=0)"), ["ex9_standardise_values"]),
    # The sample standard deviation (ddof=1), not numpy's default.
    ("ex9_standardise", standardise_variant(
        body="std = np.where(x_train.std(axis=0, ddof=1) == 0, 1.0, x_train.std(axis=0, ddof=1))\n"
             "    return (np.asarray(x, dtype=float) - x_train.mean(axis=0)) / std"), ["ex9_standardise_values"]),
    # The majority of y_eval instead of y_train.
    ("ex9_standardise", standardise_variant(
        baseline="return float(np.mean(np.asarray(y_eval) == np.argmax(np.bincount(y_eval))))"), ["ex9_baseline"]),
    # Counter.most_common breaks ties by first appearance, not by the smaller label.
    ("ex9_standardise", standardise_variant(
        baseline="from collections import Counter\n"
                 "    majority = Counter(list(y_train)).most_common(1)[0][0]\n"
                 "    return float(np.mean(np.asarray(y_eval) == majority))"), ["ex9_baseline"]),
    # Left blank: only its own test fails (see BLANK_STANDARDISE).
    ("ex9_standardise", BLANK_STANDARDISE, ["ex9_standardise_values"]),
    # In place: the caller's arrays change. The try-it cell's standardise(Xk_train, Xk_train) scales Xk_train itself,
    # and Xk_val and Xk_test then barely change (Xk_train's new statistics are 0 and 1): the model trains on scaled
    # features and validates on unscaled ones. Its history is still its own and its accuracy is measured on the
    # checker's copies, so only the standardise test fails. (Last of this cell's variants: it changes Xk_train for
    # good, and the data cell is not re-run.)
    ("ex9_standardise", standardise_variant(
        body="mean, std = x_train.mean(axis=0), x_train.std(axis=0)\n"
             "    std[std == 0] = 1.0\n"
             "    x -= mean\n"
             "    x /= std\n"
             "    return x"), ["ex9_standardise_values"]),
    # Validated on the test set.
    ("ex9_cancer_model", cancer(validation="(Xk_test_std, yk_test)"), ["ex9_cancer_setup"]),
    # Trained on the raw features, validated on standardised ones.
    ("ex9_cancer_model", cancer(train="Xk_train"), ["ex9_cancer_accuracy"]),
    # Trained on the training and the validation set (15 updates per epoch): it still reaches both targets.
    ("ex9_cancer_model", cancer().replace("fit(Xk_train_std, yk_train,", "fit(np.concatenate([Xk_train_std, Xk_val_std]), "
                                          "np.concatenate([yk_train, yk_val]),"), ["ex9_cancer_setup"]),
    # No metrics: evaluate reports the loss only (the accuracy test measures the accuracy itself, so it passes).
    ("ex9_cancer_model", cancer(metrics="None"), ["ex9_cancer_setup"]),
]

# ---------------------------------------------------------------------------------------------------- sections 10, 11
WRONG += [
    # Another learning rate than the 0.01 asked for (it still learns the circles).
    ("ex10_circles", CIRCLES.format(activation=', activation="relu"', compile=CIRCLES_COMPILE.replace("0.01", "0.02")),
     ["ex10_circles_layers"]),
    # optimizer="adam": Keras' default learning rate (0.001), not the 0.01 asked for.
    ("ex11_experiment", EXPERIMENT_LIST.replace("keras.optimizers.Adam(learning_rate=0.01)", '"adam"'),
     ["ex11_experiment_default"]),
    # Compiled without metrics: evaluate reports the loss only. (The training cell measures the accuracy itself.)
    ("ex10_circles", CIRCLES.format(activation=', activation="relu"',
                                    compile=CIRCLES_COMPILE.replace(', metrics=["accuracy"]', "")),
     ["ex10_circles_layers"]),
    ("ex11_experiment", EXPERIMENT_LIST.replace(',\n                  metrics=["accuracy"])', ")"),
     ["ex11_experiment_default"]),
    # The mean squared error as the loss of a classifier.
    ("ex11_experiment", EXPERIMENT_LIST.replace('loss="binary_crossentropy"', 'loss="mse"'), ["ex11_experiment_default"]),
]

RIGHT += [
    # Other spellings of the accuracy metric.
    ("ex10_circles", CIRCLES.format(activation=', activation="relu"',
                                    compile=CIRCLES_COMPILE.replace('["accuracy"]', "[keras.metrics.BinaryAccuracy()]"))),
    ("ex11_experiment", EXPERIMENT_LIST.replace('["accuracy"]', '["acc"]')),
]

# Sections 7-11 moved to 05_training (issue 20): this notebook keeps sections 1-6.
_HERE = ("ex1_", "ex2_", "ex3_", "ex4_", "ex5_", "ex6_")
RIGHT = [answer for answer in RIGHT if answer[0].startswith(_HERE)]
WRONG = [answer for answer in WRONG if answer[0].startswith(_HERE)]
