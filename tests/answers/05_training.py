"""Other answers to 05_training (sections 1-5): right ones written differently, and plausible wrong ones.

Thresholds (scripts/measure_05_training.py, seeds 0-9, the notebook's data, settings and splits: 64 % training,
16 % validation, 20 % test; min-max (mean)):
- ex7_regression_beats_baseline, MSE <= 0.75 x the baseline's (predicting the training mean) on the validation and
  the test patients: Dense(16, relu) -> Dense(1), Adam(0.01), 30 epochs of 32, standardised features and target:
  MSE / baseline 0.552-0.623 (0.580) on validation, 0.473-0.532 (0.505) on test.
- ex8_optimizer_behaviour, the same network trained full-batch for 20 epochs on the diabetes training set (the
  visible part uses seed 0, the hidden part a seed from 1-9 drawn when grading): final loss SGD(0.01) / Adam(0.01)
  >= 1.2: measured 1.34-2.19 (1.59; seed 0: 1.49); SGD / SGD with momentum 0.9 >= 1.1: 1.23-2.08 (seed 0: 1.41);
  SGD(0.001) / SGD(0.01) >= 1.1: 1.17-2.23 (seed 0: 1.91; a rate that never reaches the optimizer gives 1);
  SGD(3.0) ends in nan for every seed. Final losses: SGD 0.594-1.152, momentum 0.483-0.554, Adam 0.421-0.555,
  SGD(0.1) 0.447-0.497, SGD(0.001) 0.758-2.221.
- ex9_cancer_accuracy >= 0.93 on the standardised validation set and >= 0.92 on the test set: Dense(16, relu) ->
  Dense(1, sigmoid), Adam(0.01), 20 epochs of 32: validation 0.967-0.978 (0.976), test 0.965-0.991 (0.978). The
  same network on raw features: validation 0.868-0.967, test 0.789-0.930. Majority baseline 0.626 / 0.632.
- ex10_circles_accuracy >= 0.75 on the validation and the test points: hidden layers [20, 10], Adam(0.01), 20 epochs
  of 32: validation 0.769-0.806 (0.791), test 0.780-0.790 (0.785). For the table (validation): [10] 0.775-0.812;
  [2] 0.456-0.762; no hidden layer 0.394-0.425.
- ex7_logits_model, ex9_cancer_setup (one fit of at most 50 epochs, the optimizer's update count, the sets
  standardised with the training statistics), ex11_experiment_options (biases left at zeros) and the three
  prediction cells (ex7_integer_loss, ex8_crawling_rate, ex11_stuck_guess) have no measured threshold: they check
  structure, exact values or a fixed answer.

One blank costs one section: every exercise here has a blank variant (WRONG, `...`) that loses only its own
section's cells; later sections build their own data (section 3's given cell falls back to StandardScaler).
"""

RIGHT = []
WRONG = []

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

LOGITS = '''
def build_logits_classifier(n_features, n_classes):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(n_classes{activation})])
    model.compile(optimizer="adam", loss={loss}, metrics=["accuracy"])
    return model
'''


def logits(activation="", loss="keras.losses.SparseCategoricalCrossentropy(from_logits=True)"):
    return LOGITS.format(activation=activation, loss=loss)


LOGITS_FUNCTIONAL = '''
def build_logits_classifier(n_features, n_classes):
    inputs = keras.Input(shape=(n_features,))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    scores = keras.layers.Dense(n_classes, activation="linear", name="logits")(hidden)
    model = keras.Model(inputs, scores)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss=loss,
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model
'''

RIGHT += [
    ("ex7_logits", logits()),
    ("ex7_logits", LOGITS_FUNCTIONAL),
    ("ex7_integer_loss_guess", "integer_labels_loss = 'sparse_categorical_crossentropy'\n"),
]

WRONG += [
    # The classic mistake: a softmax output and from_logits=True (the loss applies a second softmax).
    ("ex7_logits", logits(activation=', activation="softmax"'), ["ex7_logits_model"]),
    # Logits out, but the loss is told they are probabilities.
    ("ex7_logits", logits(loss='"sparse_categorical_crossentropy"'), ["ex7_logits_model"]),
    # A softmax output with the ordinary loss: right for probabilities, but not the logits model asked for.
    ("ex7_logits", logits(activation=', activation="softmax"', loss='"sparse_categorical_crossentropy"'),
     ["ex7_logits_model"]),
    # One-hot labels' loss, with from_logits: it cannot take class numbers.
    ("ex7_logits", logits(loss="keras.losses.CategoricalCrossentropy(from_logits=True)"), ["ex7_logits_model"]),
    # Blanks: each costs only its own cell.
    ("ex7_logits", "def build_logits_classifier(n_features, n_classes):\n    ...\n", ["ex7_logits_model"]),
    ("ex7_cross_entropy", "def binary_cross_entropy(y_true, p):\n    ...\n", ["ex7_bce_values"]),
    ("ex7_regression", "def build_regression_model(n_features):\n    ...\n",
     ["ex7_regression_model", "ex7_regression_beats_baseline"]),
    ("ex7_integer_loss_guess", "integer_labels_loss = ...\n", ["ex7_integer_loss"]),
    # Wrong guesses: the one-hot loss; a name that is not among the choices.
    ("ex7_integer_loss_guess", "integer_labels_loss = 'categorical_crossentropy'\n", ["ex7_integer_loss"]),
    ("ex7_integer_loss_guess", "integer_labels_loss = 'SparseCategoricalCrossentropy'\n", ["ex7_integer_loss"]),
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

RIGHT += [
    ("ex8_rate_guess", "crawling_rate = 1e-3\n"),
]

WRONG += [
    # Answers that only work for the examples the notebook shows (a stand-in for curves typed in): right for the
    # visible data sizes (64 samples, the 282 diabetes patients), made up for any other. The hidden part draws others.
    ("ex8_loss_curve", loss_curve(result="[float(v) for v in history.history['loss']] if len(x) in (64, 282) "
                                         "else [0.5] * epochs"), ["ex8_loss_curve_values"]),
    # Right for the visible seed (0), made up for any other: the hidden part draws the seed when grading.
    ("ex8_loss_curve", loss_curve(result="[float(v) for v in history.history['loss']] if seed == 0 else [0.5] * epochs"),
     ["ex8_optimizer_behaviour"]),
    # Blank.
    ("ex8_loss_curve", "def loss_curve(optimizer_name, learning_rate, x, y, epochs, seed=0):\n    ...\n",
     ["ex8_loss_curve_values", "ex8_optimizer_behaviour"]),
    ("ex8_rate_guess", "crawling_rate = ...\n", ["ex8_crawling_rate"]),
    # The rate that blows up, not the one that crawls.
    ("ex8_rate_guess", "crawling_rate = 3.0\n", ["ex8_crawling_rate"]),
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
    # It is the leakage the section teaches: the given cell's Xk_val_std then uses the validation set's own
    # statistics, so the setup test fails too.
    ("ex9_standardise", standardise_variant(body="return (x - x.mean(axis=0)) / x.std(axis=0)"),
     ["ex9_standardise_values", "ex9_cancer_setup"]),
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
    # features and validates on unscaled ones. The setup test sees Xk_val_std unscaled and fails too; the accuracy is
    # measured on the checker's copies and passes. (Last of this cell's variants: it changes Xk_train for
    # good, and the data cell is not re-run.)
    ("ex9_standardise", standardise_variant(
        body="mean, std = x_train.mean(axis=0), x_train.std(axis=0)\n"
             "    std[std == 0] = 1.0\n"
             "    x -= mean\n"
             "    x /= std\n"
             "    return x"), ["ex9_standardise_values", "ex9_cancer_setup"]),
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

RIGHT += [
    # float32, which the spec allows ("a float array"): the tests compare with float32's tolerance.
    ("ex9_standardise", standardise_variant(
        body="x_train = np.asarray(x_train, dtype=np.float32)\n"
             "    std = x_train.std(axis=0)\n"
             "    return (np.asarray(x, dtype=np.float32) - x_train.mean(axis=0)) / np.where(std == 0, 1, std).astype(np.float32)")),
]

WRONG += [
    # More epochs than allowed, over two fit calls, keeping the second history (30 recorded, 60 made).
    ("ex9_cancer_model", cancer().replace("cancer_history = cancer_model.fit(",
                                          "cancer_model.fit(Xk_train_std, yk_train, epochs=30, batch_size=32, verbose=0)\n"
                                          "cancer_history = cancer_model.fit("), ["ex9_cancer_setup"]),
    # One fit, but more epochs than allowed.
    ("ex9_cancer_model", cancer().replace("epochs=30", "epochs=60"), ["ex9_cancer_setup"]),
    # Leakage: the validation set standardised with its own statistics (the sets redefined in the model cell).
    # These two rebind the given cell's sets, which is not re-run: they come after the other model-cell variants.
    ("ex9_cancer_model", cancer().replace("keras.utils.set_random_seed(9)\n",
                                          "keras.utils.set_random_seed(9)\nXk_val_std = standardise(Xk_val, Xk_val)\n"),
     ["ex9_cancer_setup"]),
    # Leakage: all three sets standardised with the statistics of all the data, test set included.
    ("ex9_cancer_model", cancer().replace(
        "keras.utils.set_random_seed(9)\n",
        "keras.utils.set_random_seed(9)\nx_all = np.concatenate([Xk_train, Xk_val, Xk_test])\n"
        "Xk_train_std, Xk_val_std, Xk_test_std = (standardise(x_all, x) for x in (Xk_train, Xk_val, Xk_test))\n"),
     ["ex9_cancer_setup"]),
    # Blank model cell: no model, no history.
    ("ex9_cancer_model", "keras.utils.set_random_seed(9)\ncancer_model = cancer_history = None\n",
     ["ex9_cancer_setup", "ex9_cancer_accuracy"]),
]

# ---------------------------------------------------------------------------------------------------- sections 4, 5
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
    ("ex10_circles", CIRCLES_FUNCTIONAL),
    ("ex11_experiment", EXPERIMENT_LIST),
    # A Functional model: its first layer is the InputLayer, which the tests must skip.
    ("ex11_experiment", EXPERIMENT_FUNCTIONAL),
    # The default bias initializer written out.
    ("ex11_experiment", EXPERIMENT_LIST.replace("kernel_initializer=initializer)",
                                                'kernel_initializer=initializer, bias_initializer="zeros")')),
    ("ex11_guess", "fastest_guess = 'batch norm'\nstuck_guess = 'zeros initializer'\n"),
]

WRONG = WRONG + [

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
    # The initializer applied to the biases as well as the kernels.
    ("ex11_experiment", EXPERIMENT_LIST.replace("kernel_initializer=initializer)",
                                                "kernel_initializer=initializer, bias_initializer=initializer)"),
     ["ex11_experiment_options"]),
    # Blanks.
    ("ex10_circles", "def build_circles_model(hidden_units):\n    ...\n", ["ex10_circles_layers", "ex10_circles_accuracy"]),
    ("ex11_experiment", EXPERIMENT_LIST.split("):\n")[0] + "):\n    ...\n",
     ["ex11_experiment_default", "ex11_experiment_options"]),
    ("ex11_guess", "fastest_guess = ...\nstuck_guess = ...\n", ["ex11_stuck_guess"]),
    # A plausible wrong guess: sigmoid units start slowly, but they do get going.
    ("ex11_guess", "fastest_guess = 'batch norm'\nstuck_guess = 'sigmoid'\n", ["ex11_stuck_guess"]),
]

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


# ==================================================================== sections 6-8: overfitting, regularisation, saving
# Thresholds (scripts/measure_05_training_overfitting.py, seeds 0-5, the notebook's data and settings: make_moons(840, noise=0.3,
# random_state=5), 40 training, 400 validation and 400 test points; two Dense(64, relu) layers, Adam(0.01), mini-batches
# of 20; min-max (mean)):
# - ex13_regularised_gap: plain minus regularised gap (validation minus training cross-entropy, 30 epochs) >= 0.05:
#   measured plain - L2(0.01) 0.134-0.275, plain - dropout(0.5) 0.094-0.248 (gaps: plain 0.273-0.420, L2 0.139-0.145,
#   dropout 0.164-0.199).
# - ex13_predict_l2: L2's final reported training loss is above the plain one's by 0.150-0.194 (30 epochs); the test
#   measures its own pair (15 epochs).
# - ex13_stopped_accuracy >= 0.85 on the test points: EarlyStopping(val_loss, patience 10, restore_best_weights) stops
#   after 20-22 epochs, test accuracy 0.870-0.875 (0.872). An untrained network (seeds 0-7) scores 0.16-0.82 on the test
#   points (seed 1, the notebook's: 0.82, which a bar of 0.8 let through).
# - ex14_reloaded_trained >= 0.82 on the validation and >= 0.85 on the test points: 10 epochs, validation 0.838-0.850
#   (0.842), test 0.870-0.875 (0.872); untrained 0.255-0.802 and 0.16-0.82.
#
# Blanks (the release's `...`) cost only their own section: no test of a later section calls an earlier function,
# and section 8 trains its model with the given build_plain_model.


# ------------------------------------------------------------------------------------------------ section 6: best_epoch
BEST_EPOCH_LOOP = '''
def best_epoch(history):
    best = 0
    for index, value in enumerate(history["val_loss"]):
        if value < history["val_loss"][best]:
            best = index
    return best
'''

BEST_EPOCH_INDEX = '''
def best_epoch(history):
    losses = list(history["val_loss"])
    return losses.index(min(losses))
'''

BEST_EPOCH_KEY = '''
def best_epoch(history):
    val = history["val_loss"]
    return min(range(len(val)), key=lambda i: val[i])
'''


def best_epoch(body: str) -> str:
    return f"def best_epoch(history):\n    {body}\n"


RIGHT += [
    ("ex12_best_epoch", BEST_EPOCH_LOOP),
    ("ex12_best_epoch", BEST_EPOCH_INDEX),
    ("ex12_best_epoch", BEST_EPOCH_KEY),
]

WRONG += [
    # Blank: the release as it is.
    ("ex12_best_epoch", "def best_epoch(history):\n    ...\n", ["ex12_best_epoch_values", "ex12_best_epoch_ties"]),
    # Counted from 1, as the plot and Keras' "Epoch 1/50" count.
    ("ex12_best_epoch", best_epoch('return int(np.argmin(history["val_loss"])) + 1'),
     ["ex12_best_epoch_values", "ex12_best_epoch_ties"]),
    # The lowest training loss: it keeps falling, so this is (nearly) always the last epoch.
    ("ex12_best_epoch", best_epoch('return int(np.argmin(history["loss"]))'), ["ex12_best_epoch_values", "ex12_best_epoch_ties"]),
    # The highest validation loss.
    ("ex12_best_epoch", best_epoch('return int(np.argmax(history["val_loss"]))'),
     ["ex12_best_epoch_values", "ex12_best_epoch_ties"]),
    # The highest validation accuracy (not always where the loss is lowest, and not in every history).
    ("ex12_best_epoch", best_epoch('return int(np.argmax(history["val_accuracy"]))'),
     ["ex12_best_epoch_values", "ex12_best_epoch_ties"]),
    # The visible example's answer, typed in.
    ("ex12_best_epoch", best_epoch("return 2"), ["ex12_best_epoch_values", "ex12_best_epoch_ties"]),
    # The last of equal minima.
    ("ex12_best_epoch", best_epoch('losses = history["val_loss"]\n    return len(losses) - 1 - int(np.argmin(losses[::-1]))'),
     ["ex12_best_epoch_ties"]),
    # Right index, but the caller's list is sorted in place on the way.
    ("ex12_best_epoch", best_epoch('losses = history["val_loss"]\n    best = int(np.argmin(losses))\n'
                                   '    losses.sort()\n    return best'), ["ex12_best_epoch_values"]),
]

# ------------------------------------------------------------------------------------------ section 7: regularisation
REGULARISED = '''
def build_regularised_model(l2=0.0, dropout=0.0):
    model = keras.Sequential([keras.Input(shape=(2,))])
    for _ in range(2):
        model.add(keras.layers.Dense(64, activation="relu"{hidden}))
        {after}
    model.add(keras.layers.Dense(1, activation="sigmoid"{output}))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''
DROPOUT_AFTER = "if dropout > 0:\n            model.add(keras.layers.Dropout(dropout))"


def regularised(hidden=", kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None", after=DROPOUT_AFTER,
                output="") -> str:
    return REGULARISED.format(hidden=hidden, after=after, output=output)


REGULARISED_FUNCTIONAL = '''
def build_regularised_model(l2=0.0, dropout=0.0):
    inputs = keras.Input(shape=(2,))
    x = inputs
    for _ in range(2):
        x = keras.layers.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.l2(l2))(x)  # l2(0.0) adds 0
        if dropout:
            x = keras.layers.Dropout(rate=dropout)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.01), keras.losses.BinaryCrossentropy(), metrics=[keras.metrics.BinaryAccuracy()])
    return model
'''

REGULARISED_LIST = '''
def build_regularised_model(l2=0.0, dropout=0.0):
    layers = [keras.Input((2,))]
    for _ in range(2):
        layers.append(keras.layers.Dense(64, "relu", kernel_regularizer=keras.regularizers.L2(l2=l2) if l2 else None))
        layers += [keras.layers.Dropout(dropout)] if dropout > 0 else []
    model = keras.Sequential(layers + [keras.layers.Dense(1, "sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01), metrics=["acc"])
    return model
'''

RIGHT += [
    ("ex13_regularised", REGULARISED_FUNCTIONAL),
    ("ex13_regularised", REGULARISED_LIST),
    # "Higher", capitalised.
    ("ex13_l2_prediction", 'l2_training_loss_is = "Higher"\n'),
]

WRONG += [
    # Blank: the release as it is; the training cell stops, so the gap test has no l2_model either.
    ("ex13_regularised", "def build_regularised_model(l2=0.0, dropout=0.0):\n    ...\n",
     ["ex13_regularised_layers", "ex13_regularised_gap"]),
    # L2 on the output layer only. (It shrinks the gap too, so the gap test passes; the layer test catches it.)
    ("ex13_regularised", regularised(hidden="", output=", kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None"),
     ["ex13_regularised_layers"]),
    # L2 on every layer, the output included.
    ("ex13_regularised", regularised(output=", kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None"),
     ["ex13_regularised_layers"]),
    # The string "l2": always Keras' default factor 0.01, whatever l2 is (and even when it is 0).
    ("ex13_regularised", regularised(hidden=', kernel_regularizer="l2"'), ["ex13_regularised_layers"]),
    # The biases penalised as well as the kernels.
    ("ex13_regularised", regularised(hidden=", kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None, "
                                            "bias_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None"),
     ["ex13_regularised_layers"]),
    # No dropout layers at all.
    ("ex13_regularised", regularised(after="pass"), ["ex13_regularised_layers", "ex13_regularised_gap"]),
    # The prediction: "lower", and left blank.
    ("ex13_l2_prediction", 'l2_training_loss_is = "lower"\n', ["ex13_predict_l2"]),
    ("ex13_l2_prediction", "# Your prediction, before you run the next cell: \"higher\" or \"lower\".\n"
                        "l2_training_loss_is = None\n...\n", ["ex13_predict_l2"]),
]

EARLY = '''
def fit_early_stopped(model, x_train, y_train, x_val, y_val, max_epochs=200):
    stopper = keras.callbacks.EarlyStopping({options})
    {before}
    return model.fit(x_train, y_train, epochs={epochs}, batch_size=20, validation_data=(x_val, y_val),
                     callbacks=[stopper], verbose=0)
'''
RIGHT_OPTIONS = 'monitor="val_loss", patience=10, restore_best_weights=True'


def early(options=RIGHT_OPTIONS, before="", epochs="max_epochs") -> str:
    return EARLY.format(options=options, before=before, epochs=epochs)


EARLY_KEYWORDS = '''
def fit_early_stopped(model, x_train, y_train, x_val, y_val, max_epochs=200):
    callbacks = [keras.callbacks.EarlyStopping(patience=10, mode="min", restore_best_weights=True, monitor="val_loss")]
    history = model.fit(x=x_train, y=y_train, batch_size=20, epochs=max_epochs, verbose=0,
                        validation_data=(x_val, y_val), callbacks=callbacks, shuffle=True)
    return history
'''

RIGHT += [("ex13_early_stopping", EARLY_KEYWORDS)]

WRONG += [
    # Blank: stopped_history is None and stopped_model untrained. (The test score is measured on that model as it
    # is, so its own test passes.)
    ("ex13_early_stopping", "def fit_early_stopped(model, x_train, y_train, x_val, y_val, max_epochs=200):\n    ...\n",
     ["ex13_early_stopping_rule", "ex13_early_stopping_restore", "ex13_early_stopping_one_fit", "ex13_stopped_accuracy"]),
    # EarlyStopping on the training loss: it keeps falling, so training runs on and the kept weights are not the
    # best on validation.
    ("ex13_early_stopping", early(options='monitor="loss", patience=10, restore_best_weights=True'),
     ["ex13_early_stopping_rule", "ex13_early_stopping_restore"]),
    # No restore_best_weights: the model keeps the last epoch's weights, 10 epochs past the best.
    ("ex13_early_stopping", early(options='monitor="val_loss", patience=10'), ["ex13_early_stopping_restore"]),
    # Another patience.
    ("ex13_early_stopping", early(options='monitor="val_loss", patience=5, restore_best_weights=True'),
     ["ex13_early_stopping_rule"]),
    # max_epochs ignored.
    ("ex13_early_stopping", early(epochs="200"), ["ex13_early_stopping_rule"]),
    # More epochs than asked for, spread over two fit calls, the second history kept: the optimizer's step count
    # tells.
    ("ex13_early_stopping", early(before="model.fit(x_train, y_train, epochs=5, batch_size=20, verbose=0)"),
     ["ex13_early_stopping_one_fit"]),
]

WRONG += [
    # Blank: the release as it is.
    ("ex13_report_test", "# stopped_model's accuracy on the test set, as a float\nstopped_test_accuracy = None\n...\n",
     ["ex13_test_score"]),
    # The validation accuracy that picked the epoch, reported as the test score.
    ("ex13_report_test", "stopped_test_accuracy = float(max(stopped_history.history['val_accuracy']))\n", ["ex13_test_score"]),
    # Measured on the validation set.
    ("ex13_report_test", "stopped_test_accuracy = float(stopped_model.evaluate(Xm_val, ym_val, verbose=0)[1])\n",
     ["ex13_test_score"]),
    # A percentage.
    ("ex13_report_test", "stopped_test_accuracy = 100 * float(np.mean((stopped_model.predict(Xm_test)[:, 0] > 0.5) == ym_test))\n",
     ["ex13_test_score"]),
]

RIGHT += [
    # Keras' own accuracy (a float32 rounding of the same fraction).
    ("ex13_report_test", 'stopped_test_accuracy = stopped_model.evaluate(Xm_test, ym_test, verbose=0, return_dict=True)["accuracy"]\n'),
]

# ----------------------------------------------------------------------------------------- section 8: save and load
SAVE_LOAD = '''
keras.utils.set_random_seed(2)
final_model = build_plain_model()
{steps}
reloaded_model = keras.models.load_model("moons_model.keras")
'''
TRAIN = "final_model.fit(Xm_train, ym_train, epochs=10, batch_size=20, verbose=0)"
SAVE = 'final_model.save("moons_model.keras")'

RIGHT += [
    ("ex14_save_load", "path = 'moons_model.keras'\nkeras.utils.set_random_seed(2)\nfinal_model = build_plain_model()\n"
                       "final_model.fit(Xm_train, ym_train, epochs=10, batch_size=20, verbose=0)\n"
                       "keras.saving.save_model(final_model, path)\nreloaded_model = keras.saving.load_model(path)\n"),
]

WRONG += [
    # Blank: the release as it is.
    ("ex14_save_load", "# Build, train, save, load (the four steps above)\nfinal_model = reloaded_model = None\n"
                       "keras.utils.set_random_seed(2)  # given: the same starting weights for everyone\n...\n", ["ex14_reloaded_same", "ex14_reloaded_trained"]),
    # Saved before training: the file holds the random starting weights.
    ("ex14_save_load", SAVE_LOAD.format(steps=SAVE + "\n" + TRAIN), ["ex14_reloaded_same", "ex14_reloaded_trained"]),
    # Never trained: saved and reloaded faithfully, but it is not the trained model.
    ("ex14_save_load", SAVE_LOAD.format(steps=SAVE), ["ex14_reloaded_trained"]),
    # Saved, but never loaded: reloaded_model is final_model itself (the checker keeps two names for one model
    # one model, grader/checker/remote.py), so it predicts the same by definition.
    ("ex14_save_load", "keras.utils.set_random_seed(2)\nfinal_model = build_plain_model()\n" + TRAIN + "\n" + SAVE
                       + "\nreloaded_model = final_model\n", ["ex14_reloaded_same"]),
]
