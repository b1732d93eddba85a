"""Other answers to 02_perceptron: right ones written differently, and plausible wrong ones."""

RIGHT = [
    # (solution grade_id, source of the whole replacement solution cell)
    ("ex1_neuron", '''
def neuron(x, w, b, activation):
    """A loop instead of np.dot."""
    total = b
    for x_k, w_k in zip(x, w):
        total = total + w_k * x_k
    return activation(total)
'''),
    ("ex2_activations", '''
def step(z):
    return (np.asarray(z) > 0).astype(float)


def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)


def sigmoid(z):
    # the overflow-free form exp(-log(1 + exp(-z)))
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def tanh(z):
    # written out by hand instead of np.tanh
    e_plus, e_minus = np.exp(z), np.exp(-z)
    return (e_plus - e_minus) / (e_plus + e_minus)
'''),
    ("ex3_softmax", '''
def softmax(z):
    """Through the log-sum-exp, one row at a time for batches."""
    z = np.asarray(z, dtype=float)
    if z.ndim == 2:
        return np.array([softmax(row) for row in z])
    top = z.max()
    log_total = top + np.log(np.sum(np.exp(z - top)))
    return np.exp(z - log_total)
'''),
    ("ex4_layer", '''
rows = [
    (2.1, -1.2, 0.3, 1.3, -3),
    (-0.1, 1.2, 4.9, -3.1, -5),
    (0.4, 2.6, -2.5, 3.8, -8),
    (0.8, 1.7, 3.5, 1.67, 10),
    (0.42, 3.89, -0.675, -13.8, -7.3),
]
table = np.array(rows, dtype=float)
W1 = table[:, :4]
b1 = table[:, 4]


def dense_layer(x, W, b, activation):
    """One neuron() call per row of W."""
    return np.array([neuron(x, W[i], b[i], activation) for i in range(W.shape[0])], dtype=float)
'''),
    ("ex5_predictor", '''
w2 = np.array([1.1, -4.1, -0.7, 1.7, -8.91])
b2 = 5.1


def two_layer_predict(x, W1, b1, w2, b2):
    hidden = np.maximum(np.einsum("ij,j->i", W1, x) + b1, 0.0)
    score = float(np.sum(w2 * hidden)) + b2
    return 1.0 / (1.0 + np.exp(-score))
'''),
    ("ex6_compose", '''
def compose_linear(W_a, b_a, W_b, b_b):
    W = np.einsum("oh,hi->oi", W_b, W_a)
    b = np.einsum("oh,h->o", W_b, b_a) + b_b
    return (W, b)
'''),
    ("ex6_compose", '''
def compose_linear(W_a, b_a, W_b, b_b):
    # the transposed product, which is the same matrix
    return (W_a.T @ W_b.T).T, b_b + (b_a @ W_b.T)
'''),
    ("ex7_count_params", '''
def count_params(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += (layer_sizes[i - 1] + 1) * layer_sizes[i]
    return total
'''),
    ("ex8_perceptron", '''
def perceptron_predict(X, w, b):
    return np.where(np.asarray(X) @ np.asarray(w) + b > 0, 1, 0)


def train_perceptron(X, y, epochs=10, eta=0.1):
    w = np.zeros(X.shape[1])
    b = 0.0
    for epoch in range(epochs):
        for i in range(len(X)):
            error = y[i] - perceptron_predict(X[i:i + 1], w, b)[0]
            if error != 0:
                w += eta * error * X[i]
                b += eta * error
    return w, b
'''),
]

WRONG = [
    # (solution grade_id, source, [test grade_ids in that section that must lose points])
    ("ex1_neuron", '''
def neuron(x, w, b, activation):
    """Forgets the bias."""
    return activation(np.dot(w, x))
''', ["ex1_neuron_sum", "ex1_neuron_activation"]),
    ("ex1_neuron", '''
def neuron(x, w, b, activation):
    """Applies the activation to the inputs instead of to the sum."""
    return np.dot(w, activation(x)) + b
''', ["ex1_neuron_activation"]),
    ("ex2_activations", '''
def step(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


def relu(z):
    # np.max reduces the array instead of comparing element by element
    return np.max(np.asarray(z, dtype=float), 0)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def tanh(z):
    return np.tanh(np.asarray(z, dtype=float))
''', ["ex2_relu"]),
    ("ex2_activations", '''
def step(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


def relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def sigmoid(z):
    # sign error inside the exponential
    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))


def tanh(z):
    return np.tanh(np.asarray(z, dtype=float))
''', ["ex2_sigmoid"]),
    ("ex2_activations", '''
def step(z):
    # step(0) should be 0
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


def relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def tanh(z):
    # this is sinh, not tanh
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / 2
''', ["ex2_step", "ex2_tanh"]),
    ("ex3_softmax", '''
def softmax(z):
    """No max-subtraction: overflows for large scores."""
    exps = np.exp(np.asarray(z, dtype=float))
    return exps / np.sum(exps, axis=-1, keepdims=True)
''', ["ex3_softmax_stable", "ex3_softmax_batch"]),
    ("ex3_softmax", '''
def softmax(z):
    """Normalises by the sum over the whole batch instead of per row."""
    z = np.asarray(z, dtype=float)
    exps = np.exp(z - np.max(z))
    return exps / np.sum(exps)
''', ["ex3_softmax_batch"]),
    ("ex3_softmax", '''
def softmax(z):
    """Subtracts the batch's global maximum instead of each row's maximum."""
    z = np.asarray(z, dtype=float)
    exps = np.exp(z - np.max(z))
    return exps / np.sum(exps, axis=-1, keepdims=True)
''', ["ex3_softmax_batch"]),
    ("ex4_layer", '''
# The bug of the original lesson: neurons 4 and 5 reuse neuron 3's weights and bias.
W1 = np.array([
    [2.1, -1.2, 0.3, 1.3],
    [-0.1, 1.2, 4.9, -3.1],
    [0.4, 2.6, -2.5, 3.8],
    [0.4, 2.6, -2.5, 3.8],
    [0.4, 2.6, -2.5, 3.8],
])
b1 = np.array([-3.0, -5.0, -8.0, -8.0, -8.0])


def dense_layer(x, W, b, activation):
    return activation(W @ x + b)
''', ["ex4_hand_weights"]),
    ("ex4_layer", '''
W1 = np.array([
    [2.1, -1.2, 0.3, 1.3],
    [-0.1, 1.2, 4.9, -3.1],
    [0.4, 2.6, -2.5, 3.8],
    [0.8, 1.7, 3.5, 1.67],
    [0.42, 3.89, -0.675, -13.8],
])
b1 = np.array([-3.0, -5.0, -8.0, 10.0, -7.3])


def dense_layer(x, W, b, activation):
    # forgets the bias
    return activation(W @ x)
''', ["ex4_dense_layer"]),
    ("ex5_predictor", '''
w2 = np.array([1.1, -4.1, -0.7, 1.7, -8.91])
b2 = 5.1


def two_layer_predict(x, W1, b1, w2, b2):
    # no ReLU in the hidden layer
    hidden = W1 @ x + b1
    return sigmoid(np.dot(w2, hidden) + b2)
''', ["ex5_predictor_value", "ex5_predictor_random"]),
    ("ex5_predictor", '''
w2 = np.array([1.1, -4.1, -0.7, 1.7, -8.91])
b2 = 5.1


def two_layer_predict(x, W1, b1, w2, b2):
    # forgets the output bias
    hidden = np.maximum(W1 @ x + b1, 0)
    return sigmoid(np.dot(w2, hidden))
''', ["ex5_predictor_value", "ex5_predictor_random"]),
    ("ex6_compose", '''
def compose_linear(W_a, b_a, W_b, b_b):
    # forgets that b_a also passes through W_b
    return W_b @ W_a, b_b
''', ["ex6_compose_values"]),
    ("ex6_compose", '''
def compose_linear(W_a, b_a, W_b, b_b):
    # forgets the second layer's own bias
    return W_b @ W_a, W_b @ b_a
''', ["ex6_compose_values"]),
    ("ex7_count_params", '''
def count_params(layer_sizes):
    # weights only, no biases
    return sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
''', ["ex7_count_params_examples", "ex7_count_params_keras"]),
    ("ex7_count_params", '''
def count_params(layer_sizes):
    # one bias per layer instead of one per neuron
    return sum(n_in * n_out + 1 for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
''', ["ex7_count_params_examples", "ex7_count_params_keras"]),
    ("ex8_perceptron", '''
def perceptron_predict(X, w, b):
    return (X @ w + b > 0).astype(int)


def train_perceptron(X, y, epochs=10, eta=0.1):
    # the bias is never updated
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            error = y_i - int(np.dot(w, x_i) + b > 0)
            w = w + eta * error * x_i
    return w, b
''', ["ex8_update_rule", "ex8_accuracy", "ex8_retrain"]),
    ("ex8_perceptron", '''
def perceptron_predict(X, w, b):
    return (X @ w + b > 0).astype(int)


def train_perceptron(X, y, epochs=10, eta=0.1):
    # sign error: the error is prediction minus label
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            error = int(np.dot(w, x_i) + b > 0) - y_i
            w = w + eta * error * x_i
            b = b + eta * error
    return w, b
''', ["ex8_update_rule", "ex8_accuracy", "ex8_retrain"]),
    ("ex8_perceptron", '''
def perceptron_predict(X, w, b):
    # a score of exactly 0 should give class 0
    return (X @ w + b >= 0).astype(int)


def train_perceptron(X, y, epochs=10, eta=0.1):
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            error = y_i - int(np.dot(w, x_i) + b > 0)
            w = w + eta * error * x_i
            b = b + eta * error
    return w, b
''', ["ex8_predict"]),
]

# Variants that pin what the specification says about inputs, dtypes and defaults.
_ACTIVATIONS = '''
def step(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


def relu(z):
    RELU


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def tanh(z):
    return np.tanh(np.asarray(z, dtype=float))
'''

_PERCEPTRON = '''
def perceptron_predict(X, w, b):
    return (X @ w + b > 0).astype(int)


def train_perceptron(X, y, epochs=EPOCHS, eta=0.1):
    LABELS
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            UPDATE
    return w, b
'''
_RULE_01 = ("error = y_i - int(np.dot(w, x_i) + b > 0)\n"
            "            w = w + eta * error * x_i\n"
            "            b = b + eta * error")


def perceptron(epochs="10", labels="pass", update=_RULE_01):
    return _PERCEPTRON.replace("EPOCHS", epochs).replace("LABELS", labels).replace("UPDATE", update)


RIGHT += [
    # the plain formulas, without np.asarray: numpy functions accept Python numbers and integer arrays
    ("ex2_activations", '''
def step(z):
    return np.heaviside(z, 0.0)


def relu(z):
    return np.maximum(z, 0.0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def tanh(z):
    return np.tanh(z)
'''),
    ("ex3_softmax", '''
def softmax(z):
    """A copy first, then in-place steps on the copy: the caller's array stays as it was."""
    z = np.array(z, dtype=float)
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z
'''),
    ("ex8_perceptron", perceptron()),
]

WRONG += [
    # ReLU written into the caller's array
    ("ex2_activations", _ACTIVATIONS.replace("RELU", "z = np.asarray(z, dtype=float)\n    z[z < 0] = 0.0\n    return z"),
     ["ex2_relu"]),
    # np.maximum(z, 0) keeps integers as integers: the spec asks for floats
    ("ex2_activations", _ACTIVATIONS.replace("RELU", "return np.maximum(z, 0)"), ["ex2_relu"]),
    # softmax that subtracts the maximum in place, changing the caller's scores
    ("ex3_softmax", '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    z -= np.max(z, axis=-1, keepdims=True)
    exps = np.exp(z)
    return exps / np.sum(exps, axis=-1, keepdims=True)
''', ["ex3_softmax_stable"]),
    # another default number of epochs than the specification's 10
    ("ex8_perceptron", perceptron(epochs="100"), ["ex8_update_rule"]),
    # labels turned into -1/+1 in the caller's array (the same updates otherwise)
    ("ex8_perceptron", perceptron(labels="y[y == 0] = -1", update=(
        "if (1 if np.dot(w, x_i) + b > 0 else -1) != y_i:\n"
        "                w = w + eta * y_i * x_i\n"
        "                b = b + eta * y_i")), ["ex8_update_rule"]),
]

# Section 9: gradient descent, the central difference and the chain rule on one neuron.
RIGHT += [
    ("ex9_descent", '''
def gradient_descent(gradient, w0, learning_rate, steps):
    """A while loop that grows the list, and the step written as a move along the negative slope."""
    path = [w0]
    while len(path) <= steps:
        move = -gradient(path[-1])
        path.append(path[-1] + learning_rate * move)
    return path
'''),
    ("ex9_numerical_derivative", '''
def numerical_derivative(f, x, h=1e-5):
    # the two points first, then half the rise over h
    left, right = f(x - h), f(x + h)
    return 0.5 * (right - left) / h
'''),
    ("ex9_loss_gradient", '''
def loss_gradient(w, b, x, t):
    """The sigmoid through tanh, and its slope as sigmoid(z) * sigmoid(-z); returned as numpy floats."""
    z = np.float64(w) * x + b
    y = 0.5 * (1 + np.tanh(z / 2))
    slope = y * 0.5 * (1 + np.tanh(-z / 2))
    delta = (y - t) * slope
    return delta * x, delta * 1.0
'''),
]

_DESCENT = '''
def gradient_descent(gradient, w0, learning_rate, steps):
    path = [w0]
    w = w0
    for _ in range(STEPS):
        w = UPDATE
        path.append(w)
    return path
'''


def descent(update="w - learning_rate * gradient(w)", steps="steps"):
    return _DESCENT.replace("UPDATE", update).replace("STEPS", steps)


_LOSS_GRADIENT = '''
def loss_gradient(w, b, x, t):
    y = 1.0 / (1.0 + np.exp(-(w * x + b)))
    delta = DELTA
    return RESULT
'''


def loss_gradient(delta="(y - t) * y * (1 - y)", result="delta * x, delta"):
    return _LOSS_GRADIENT.replace("DELTA", delta).replace("RESULT", result)


_NINE_GRADIENT = ["ex9_loss_gradient_formula", "ex9_loss_gradient_numeric"]
WRONG += [
    # the learning rate applied twice
    ("ex9_descent", descent(update="w - learning_rate * learning_rate * gradient(w)"), ["ex9_descent_steps"]),
    # a sign error: a step up the slope
    ("ex9_descent", descent(update="w + learning_rate * gradient(w)"), ["ex9_descent_steps"]),
    # one step too few (the list has steps weights)
    ("ex9_descent", descent(steps="steps - 1"), ["ex9_descent_steps"]),
    # w0 left out of the list
    ("ex9_descent", '''
def gradient_descent(gradient, w0, learning_rate, steps):
    path, w = [], w0
    for _ in range(steps):
        w = w - learning_rate * gradient(w)
        path.append(w)
    return path
''', ["ex9_descent_steps"]),
    # the slope at w0 for every step, not at the current w
    ("ex9_descent", descent(update="w - learning_rate * gradient(w0)"), ["ex9_descent_steps"]),
    # ignores its arguments: the text's learning rate and loss
    ("ex9_descent", descent(update="w - 0.1 * 2 * (w - 3)"), ["ex9_descent_steps"]),
    # a one-sided (forward) difference
    ("ex9_numerical_derivative", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h
''', ["ex9_central_difference"]),
    # a one-sided (backward) difference
    ("ex9_numerical_derivative", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x) - f(x - h)) / h
''', ["ex9_central_difference"]),
    # central, but divided by h instead of 2h
    ("ex9_numerical_derivative", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h
''', ["ex9_central_difference"]),
    # ignores the h it is given
    ("ex9_numerical_derivative", '''
def numerical_derivative(f, x, h=1e-5):
    step = 1e-5
    return (f(x + step) - f(x - step)) / (2 * step)
''', ["ex9_central_difference"]),
    # a sign error: t - y instead of y - t
    ("ex9_loss_gradient", loss_gradient(delta="(t - y) * y * (1 - y)"), _NINE_GRADIENT),
    # a missing link of the chain: the sigmoid's slope y (1 - y) (the cross-entropy gradient, for this loss)
    ("ex9_loss_gradient", loss_gradient(delta="(y - t)"), _NINE_GRADIENT),
    # a missing link of the chain: dz/dw = x
    ("ex9_loss_gradient", loss_gradient(result="delta, delta"), _NINE_GRADIENT),
    # the slope of the sigmoid taken at y instead of at z: sigmoid(y) * (1 - sigmoid(y))
    ("ex9_loss_gradient", loss_gradient(
        delta="(y - t) * (1 / (1 + np.exp(-y))) * (1 - 1 / (1 + np.exp(-y)))"), _NINE_GRADIENT),
]

# Section 8: a perceptron that never trains and returns a line that splits the notebook's blobs, and one that
# ignores the eta it is given.
WRONG += [
    ("ex8_perceptron", '''
def perceptron_predict(X, w, b):
    return (X @ w + b > 0).astype(int)


def train_perceptron(X, y, epochs=10, eta=0.1):
    # a fixed line between the centres (1, 2) and (4, 6) of the notebook's blobs
    return np.array([0.6, 0.8]), -4.25
''', ["ex8_update_rule", "ex8_accuracy", "ex8_retrain"]),
    ("ex8_perceptron", perceptron(update=_RULE_01.replace("eta *", "0.1 *")), ["ex8_update_rule"]),
]


def _blank(solution_id: str) -> str:
    """The release notebook's cell for `solution_id`: what a student hands in who leaves that exercise blank."""
    import json
    from pathlib import Path
    release = Path(__file__).resolve().parents[2] / "release" / "02_perceptron" / "02_perceptron.ipynb"
    for cell in json.loads(release.read_text())["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == solution_id:
            return "".join(cell["source"])
    raise KeyError(solution_id)


# One blank costs one section: each exercise left as released loses its own section's cells, and (checked by
# grading the whole notebook, see the note of issue 19) nothing in later sections.
WRONG += [(sid, _blank(sid), fails) for sid, fails in (
    ("ex1_neuron", ["ex1_neuron_sum", "ex1_neuron_activation"]),
    ("ex2_activations", ["ex2_step", "ex2_relu", "ex2_sigmoid", "ex2_tanh"]),
    ("ex3_softmax", ["ex3_softmax_values", "ex3_softmax_stable", "ex3_softmax_batch"]),
    ("ex4_layer", ["ex4_hand_weights", "ex4_dense_layer"]),
    ("ex5_predictor", ["ex5_predictor_value", "ex5_predictor_random"]),
    ("ex6_compose", ["ex6_compose_shapes", "ex6_compose_values"]),
    ("ex7_count_params", ["ex7_count_params_examples", "ex7_count_params_keras"]),
    ("ex8_perceptron", ["ex8_predict", "ex8_update_rule", "ex8_accuracy", "ex8_retrain"]),
    ("ex9_descent", ["ex9_descent_steps"]),
    ("ex9_numerical_derivative", ["ex9_central_difference"]),
    ("ex9_loss_gradient", _NINE_GRADIENT),
)]

# float32 is a float array too (the spec says "floats"): right answers computed in single precision keep their marks.
RIGHT += [
    ("ex3_softmax", "def softmax(z):\n"
                    "    z = np.asarray(z, dtype=np.float32)\n"
                    "    exps = np.exp(z - z.max(axis=-1, keepdims=True))\n"
                    "    return exps / exps.sum(axis=-1, keepdims=True)\n"),
    ("ex8_perceptron", "def perceptron_predict(X, w, b):\n"
                       "    return (X @ w + b > 0).astype(int)\n\n\n"
                       "def train_perceptron(X, y, epochs=10, eta=0.1):\n"
                       "    X = np.asarray(X, dtype=np.float32)\n"
                       "    w, b = np.zeros(X.shape[1], dtype=np.float32), np.float32(0)\n"
                       "    for _ in range(epochs):\n"
                       "        for x_i, y_i in zip(X, y):\n"
                       "            error = y_i - int(x_i @ w + b > 0)\n"
                       "            w = w + np.float32(eta * error) * x_i\n"
                       "            b = b + np.float32(eta * error)\n"
                       "    return w, b\n"),
]
