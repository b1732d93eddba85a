"""Other answers to 03_xor_net: right ones written differently, and plausible wrong ones.

Every solution cell also has a WRONG variant that is its release stub (the exercise left blank): it must cost the
points of its own section and nothing else. The first WRONG variant, which tests/classroom.py hands in as the
"one wrong" student, is the blank NeuralNetwork class: it used to cost points in later sections too.
"""
import json
from pathlib import Path

_RELEASE = Path(__file__).resolve().parents[2] / "release" / "03_xor_net" / "03_xor_net.ipynb"


def _blank(solution_id):
    """The release's stub of a solution cell: what a student hands in without answering it."""
    for cell in json.loads(_RELEASE.read_text())["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == solution_id:
            return "".join(cell["source"])
    raise KeyError(f"{_RELEASE} has no cell {solution_id!r}: run `python -m grader release 03_xor_net`")


# The reference solution of section 1, reused by the wrong variants below that change one line of it.
_XOR_FORWARD = '''
def forward(Xb, w1, w2):
    h = sigmoid(Xb @ w1)
    y_pred = sigmoid(h @ w2)
    return h, y_pred
'''

_XOR_BACKWARD = '''

def backward(Xb, y, h, y_pred, w2):
    n = len(Xb)
    delta_out = (y_pred - y) * y_pred * (1 - y_pred) / n
    grad_w2 = h.T @ delta_out
    delta_hidden = (delta_out @ w2.T) * h * (1 - h)
    return Xb.T @ delta_hidden, grad_w2
'''

_XOR_TRAIN = '''

def train_xor(Xb, y, w1, w2, eta, epochs):
    w1, w2 = w1.copy(), w2.copy()
    losses = []
    for _ in range(epochs):
        h, y_pred = forward(Xb, w1, w2)
        grad_w1, grad_w2 = backward(Xb, y, h, y_pred, w2)
        w1 -= eta * grad_w1
        w2 -= eta * grad_w2
        losses.append(half_mse(forward(Xb, w1, w2)[1], y))
    return w1, w2, losses
'''

# The reference NeuralNetwork with placeholders, so that a wrong variant can change one part of it.
_NETWORK = '''
class NeuralNetwork:
    def __init__(self, layers, eta=0.5, seed=0):
        self.layers = list(layers)
        self.eta = eta
        self.loss_history = []
        rng = np.random.default_rng(seed)
        self.W = [rng.normal(size=(n_in + 1, n_out)) / np.sqrt(n_in)
                  for n_in, n_out in zip(self.layers[:-1], self.layers[1:])]

    def __repr__(self):
        return "NeuralNetwork: " + "-".join(str(size) for size in self.layers)

    def predict(self, X):
        return self._activations(X)[-1]

    def loss(self, X, y):
        return LOSS

    def back_propagation(self, X, y):
        activations = self._activations(X)
        y = np.atleast_2d(y)
        output = activations[-1]
        delta = OUTPUT_DELTA
        gradients = [None] * len(self.W)
        for i in reversed(range(len(self.W))):
            gradients[i] = self._with_ones(activations[i]).T @ delta
            if i > 0:
                delta = (delta @ self.W[i][:-1].T) * activations[i] * (1 - activations[i])
        return gradients

    def fit(self, X, y, epochs, method="batch"):
        if method not in ("batch", "sgd"):
            raise ValueError(method)
        X, y = np.atleast_2d(X), np.atleast_2d(y)
        for _ in range(epochs):
            if method == "batch":
                self._step(self.back_propagation(X, y))
            else:
                for n in range(len(X)):
                    self._step(self.back_propagation(SGD_SLICE))
            self.loss_history.append(self.loss(X, y))
        return self

    @staticmethod
    def _with_ones(A):
        return np.hstack([A, np.ones((len(A), 1))])

    def _activations(self, X):
        activations = [np.atleast_2d(np.asarray(X, dtype=float))]
        for W in self.W:
            activations.append(sigmoid(self._with_ones(activations[-1]) @ W))
        return activations

    def _step(self, gradients):
        for W, gradient in zip(self.W, gradients):
            W -= self.eta * gradient
'''


def _network(loss="float(half_mse(self.predict(X), np.atleast_2d(y)))",
             output_delta="(output - y) * output * (1 - output) / len(output)",
             sgd_slice="X[n:n + 1], y[n:n + 1]"):
    return (_NETWORK.replace("LOSS", loss).replace("OUTPUT_DELTA", output_delta)
            .replace("SGD_SLICE", sgd_slice))


_NUMGRAD = '''
def numerical_gradients(net, X, y, eps=1e-5):
    gradients = []
    for W in net.W:
        gradient = np.zeros(W.shape)
        for index in np.ndindex(W.shape):
            original = W[index]
            W[index] = original + eps
            loss_plus = net.loss(X, y)
            W[index] = original - eps
            loss_minus = net.loss(X, y)
            W[index] = original
            gradient[index] = (loss_plus - loss_minus) / (2 * eps)
        gradients.append(gradient)
    return gradients
'''

_RELATIVE_ERROR = '''

def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)
'''

RIGHT = [
    # (solution grade_id, source of the whole replacement solution cell)
    ("ex1_xor", '''
def forward(Xb, w1, w2):
    """np.dot and an explicit formula instead of the sigmoid helper."""
    h = 1.0 / (1.0 + np.exp(-np.dot(Xb, w1)))
    return h, 1.0 / (1.0 + np.exp(-np.dot(h, w2)))


def backward(Xb, y, h, y_pred, w2):
    """One example at a time, summing the per-example gradients."""
    grad_w1, grad_w2 = np.zeros((Xb.shape[1], h.shape[1])), np.zeros(w2.shape)
    for x_n, y_n, h_n, out_n in zip(Xb, y, h, y_pred):
        d_out = (out_n - y_n) * out_n * (1 - out_n)           # shape (1,)
        grad_w2 += np.outer(h_n, d_out)
        d_hidden = (w2 @ d_out) * h_n * (1 - h_n)              # shape (3,)
        grad_w1 += np.outer(x_n, d_hidden)
    return grad_w1 / len(Xb), grad_w2 / len(Xb)


def train_xor(Xb, y, w1, w2, eta, epochs):
    w1, w2 = np.array(w1, dtype=float), np.array(w2, dtype=float)
    losses = []
    h, y_pred = forward(Xb, w1, w2)
    for epoch in range(epochs):
        grad_w1, grad_w2 = backward(Xb, y, h, y_pred, w2)
        w1 = w1 - eta * grad_w1
        w2 = w2 - eta * grad_w2
        h, y_pred = forward(Xb, w1, w2)  # the next forward pass gives this epoch's loss, after the update
        losses.append(0.5 * np.mean(np.sum((y_pred - y) ** 2, axis=1)))
    return w1, w2, losses
'''),
    ("ex3_network", '''
class NeuralNetwork:
    """Bias row FIRST (ones column prepended), forward pass and updates written differently."""

    def __init__(self, layers, eta=0.5, seed=0):
        self.layers = [int(n) for n in layers]
        self.eta = eta
        self.loss_history = []
        rng = np.random.default_rng(seed)
        self.W = []
        for i in range(len(self.layers) - 1):
            self.W.append(rng.normal(size=(self.layers[i] + 1, self.layers[i + 1])) / np.sqrt(self.layers[i]))

    def __repr__(self):
        return f"NeuralNetwork: {'-'.join(map(str, self.layers))}"

    def _forward(self, X):
        A = [np.atleast_2d(X).astype(float)]
        for W in self.W:
            A.append(1 / (1 + np.exp(-(np.c_[np.ones(len(A[-1])), A[-1]] @ W))))
        return A

    def predict(self, X):
        return self._forward(X)[-1]

    def loss(self, X, y):
        errors = self.predict(X) - np.atleast_2d(y)
        return float((errors ** 2).sum() / (2 * len(errors)))

    def back_propagation(self, X, y):
        A = self._forward(X)
        D = [(A[-1] - np.atleast_2d(y)) * A[-1] * (1 - A[-1]) / len(A[-1])]
        for i in range(len(self.W) - 1, 0, -1):
            D.append((D[-1] @ self.W[i][1:].T) * A[i] * (1 - A[i]))
        D.reverse()
        return [np.c_[np.ones(len(A[i])), A[i]].T @ D[i] for i in range(len(self.W))]

    def fit(self, X, y, epochs, method="batch"):
        if method == "batch":
            batches = [np.arange(len(X))]
        elif method == "sgd":
            batches = [[n] for n in range(len(X))]
        else:
            raise ValueError("unknown method " + repr(method))
        for epoch in range(epochs):
            for rows in batches:
                gradients = self.back_propagation(X[rows], y[rows])
                self.W = [W - self.eta * g for W, g in zip(self.W, gradients)]
            self.loss_history.append(self.loss(X, y))
        return self
'''),
    ("ex3_network", _network(sgd_slice="X[n], y[n]")),  # SGD on 1-D rows: the same gradients
    ("ex2_numgrad", '''
def numerical_gradients(net, X, y, eps=1e-5):
    """Through flat views of the weight arrays."""
    result = []
    for W in net.W:
        flat = W.reshape(-1)  # a view: writing to it changes W
        gradient = np.empty(flat.size)
        for k in range(flat.size):
            keep = flat[k]
            flat[k] = keep + eps
            up = net.loss(X, y)
            flat[k] = keep - eps
            down = net.loss(X, y)
            flat[k] = keep
            gradient[k] = (up - down) / (2 * eps)
        result.append(gradient.reshape(W.shape))
    return result


def relative_error(a, b):
    difference = np.sqrt(np.sum((np.asarray(a) - np.asarray(b)) ** 2))
    total = np.sqrt(np.sum(np.asarray(a) ** 2)) + np.sqrt(np.sum(np.asarray(b) ** 2))
    return float(difference / total) if total > 0 else 0.0
'''),
    ("ex4_encode", '''
def one_hot(labels, n_classes):
    labels = np.asarray(labels)
    return (labels[:, None] == np.arange(n_classes)[None, :]).astype(np.float64)
'''),
    ("ex5_digits_train", 'digits_settings = dict(method="sgd", eta=0.8, epochs=15)\n'),
    ("ex6_build_mlp", '''
def build_mlp(activation):
    model = keras.Sequential(name=f"mlp_{activation}")
    model.add(keras.Input(shape=(64,)))
    model.add(keras.layers.Dense(32, activation=activation, name="hidden_1"))
    model.add(keras.layers.Dense(16, activation=activation, name="hidden_2"))
    model.add(keras.layers.Dense(10, activation="softmax", name="digit_probabilities"))
    return model
'''),
]

WRONG = [
    # (solution grade_id, source, [test grade_ids in that section that must lose points])
    ("ex1_xor", '''
def forward(Xb, w1, w2):
    h = sigmoid(Xb @ w1)
    y_pred = h @ w2  # no sigmoid on the output
    return h, y_pred
''' + _XOR_BACKWARD + _XOR_TRAIN, ["ex1_forward", "ex1_train"]),
    ("ex1_xor", _XOR_FORWARD + '''

def backward(Xb, y, h, y_pred, w2):
    # sign error: (y - y_pred) instead of (y_pred - y)
    n = len(Xb)
    delta_out = (y - y_pred) * y_pred * (1 - y_pred) / n
    grad_w2 = h.T @ delta_out
    delta_hidden = (delta_out @ w2.T) * h * (1 - h)
    return Xb.T @ delta_hidden, grad_w2
''' + _XOR_TRAIN, ["ex1_backward", "ex1_train"]),
    ("ex1_xor", _XOR_FORWARD + '''

def backward(Xb, y, h, y_pred, w2):
    # the sigmoid derivative taken on the pre-activation z = h @ w2 instead of on the activation y_pred
    n = len(Xb)
    z_out = h @ w2
    delta_out = (y_pred - y) * z_out * (1 - z_out) / n
    grad_w2 = h.T @ delta_out
    delta_hidden = (delta_out @ w2.T) * h * (1 - h)
    return Xb.T @ delta_hidden, grad_w2
''' + _XOR_TRAIN, ["ex1_backward", "ex1_train"]),
    ("ex1_xor", _XOR_FORWARD + '''

def backward(Xb, y, h, y_pred, w2):
    n = len(Xb)
    delta_out = (y_pred - y) * y_pred * (1 - y_pred) / n
    grad_w2 = h.T @ delta_out
    delta_hidden = (delta_out @ w2.T) * h * (1 - h)
    return Xb.T @ delta_hidden, grad_w2


def train_xor(Xb, y, w1, w2, eta, epochs):
    # adds the gradient: gradient ascent
    w1, w2 = w1.copy(), w2.copy()
    losses = []
    for _ in range(epochs):
        h, y_pred = forward(Xb, w1, w2)
        grad_w1, grad_w2 = backward(Xb, y, h, y_pred, w2)
        w1 += eta * grad_w1
        w2 += eta * grad_w2
        losses.append(half_mse(forward(Xb, w1, w2)[1], y))
    return w1, w2, losses
''', ["ex1_train"]),
    # NeuralNetwork: a sign error in the gradient
    ("ex3_network", _network(output_delta="(y - output) * output * (1 - output) / len(output)"),
     ["ex3_backprop", "ex3_fit_xor"]),
    # NeuralNetwork: the sigmoid derivative z * (1 - z) taken on the output layer's pre-activation z
    ("ex3_network", _network(output_delta="(output - y) * (self._with_ones(activations[-2]) @ self.W[-1]) "
                                          "* (1 - self._with_ones(activations[-2]) @ self.W[-1]) / len(output)"),
     ["ex3_backprop", "ex3_fit_xor"]),
    # NeuralNetwork: the loss sums over examples instead of averaging (backprop still averages)
    ("ex3_network", _network(loss="float(0.5 * np.sum((self.predict(X) - np.atleast_2d(y)) ** 2))"),
     ["ex3_loss"]),
    # NeuralNetwork: "SGD" that uses the whole set's gradient for every example
    ("ex3_network", _network(sgd_slice="X, y"), ["ex3_fit_sgd"]),
    ("ex3_network", '''
class NeuralNetwork:
    """No bias at all: W[i] has shape (layers[i], layers[i + 1])."""

    def __init__(self, layers, eta=0.5, seed=0):
        self.layers = list(layers)
        self.eta = eta
        self.loss_history = []
        rng = np.random.default_rng(seed)
        self.W = [rng.normal(size=(n_in, n_out)) / np.sqrt(n_in) for n_in, n_out in zip(self.layers[:-1], self.layers[1:])]

    def __repr__(self):
        return "NeuralNetwork: " + "-".join(str(size) for size in self.layers)

    def _activations(self, X):
        A = [np.atleast_2d(np.asarray(X, dtype=float))]
        for W in self.W:
            A.append(sigmoid(A[-1] @ W))
        return A

    def predict(self, X):
        return self._activations(X)[-1]

    def loss(self, X, y):
        return float(half_mse(self.predict(X), np.atleast_2d(y)))

    def back_propagation(self, X, y):
        A = self._activations(X)
        delta = (A[-1] - np.atleast_2d(y)) * A[-1] * (1 - A[-1]) / len(A[-1])
        gradients = [None] * len(self.W)
        for i in reversed(range(len(self.W))):
            gradients[i] = A[i].T @ delta
            delta = (delta @ self.W[i].T) * A[i] * (1 - A[i])
        return gradients

    def fit(self, X, y, epochs, method="batch"):
        if method not in ("batch", "sgd"):
            raise ValueError(method)
        for _ in range(epochs):
            batches = [(X, y)] if method == "batch" else [(X[n:n + 1], y[n:n + 1]) for n in range(len(X))]
            for X_b, y_b in batches:
                for W, g in zip(self.W, self.back_propagation(X_b, y_b)):
                    W -= self.eta * g
            self.loss_history.append(self.loss(X, y))
        return self
''', ["ex3_init", "ex3_predict", "ex3_loss", "ex3_backprop", "ex3_fit_xor"]),
    ("ex2_numgrad", '''
def numerical_gradients(net, X, y, eps=1e-5):
    """One-sided (forward) differences."""
    gradients = []
    base = net.loss(X, y)
    for W in net.W:
        gradient = np.zeros(W.shape)
        for index in np.ndindex(W.shape):
            original = W[index]
            W[index] = original + eps
            gradient[index] = (net.loss(X, y) - base) / eps
            W[index] = original
        gradients.append(gradient)
    return gradients
''' + _RELATIVE_ERROR, ["ex2_numerical_gradients"]),
    ("ex2_numgrad", '''
def numerical_gradients(net, X, y, eps=1e-5):
    """Forgets to put the weights back."""
    gradients = []
    for W in net.W:
        gradient = np.zeros(W.shape)
        for index in np.ndindex(W.shape):
            W[index] += eps
            loss_plus = net.loss(X, y)
            W[index] -= 2 * eps
            loss_minus = net.loss(X, y)
            gradient[index] = (loss_plus - loss_minus) / (2 * eps)
        gradients.append(gradient)
    return gradients
''' + _RELATIVE_ERROR, ["ex2_numerical_gradients"]),
    ("ex2_numgrad", _NUMGRAD + '''

def relative_error(a, b):
    """The largest absolute difference: not relative at all."""
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
''', ["ex2_relative_error"]),
    ("ex4_encode", '''
def one_hot(labels, n_classes):
    # off by one: as if the classes were numbered from 1
    return np.eye(n_classes)[np.asarray(labels) - 1]
''', ["ex4_one_hot"]),
    # batch gradient descent: only 20 updates in total
    ("ex5_digits_train", 'digits_settings = {"method": "batch", "eta": 1.0, "epochs": 20}\n', ["ex5_digits_accuracy"]),
    ("ex6_build_mlp", '''
def build_mlp(activation):
    # the output layer uses the hidden activation instead of softmax
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation=activation),
        keras.layers.Dense(16, activation=activation),
        keras.layers.Dense(10, activation=activation),
    ])
''', ["ex6_keras_layers"]),
    ("ex6_build_mlp", '''
def build_mlp(activation):
    # forgets the 16-unit hidden layer
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation=activation),
        keras.layers.Dense(10, activation="softmax"),
    ])
''', ["ex6_keras_layers"]),
]

# Variants that pin what the specifications say: copies, when losses are recorded, one generator, defaults,
# and any Keras model.
RIGHT += [
    ("ex6_build_mlp", '''
def build_mlp(activation):
    """The Functional API: the same layers, called on a symbolic input."""
    inputs = keras.Input(shape=(64,))
    hidden = keras.layers.Dense(32, activation=activation)(inputs)
    hidden = keras.layers.Dense(16, activation=activation)(hidden)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    return keras.Model(inputs, outputs)
'''),
]

WRONG += [
    # updates the caller's w1 and w2 in place (no copies)
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD + _XOR_TRAIN.replace("w1, w2 = w1.copy(), w2.copy()", "pass"),
     ["ex1_train"]),
    # records each loss before that epoch's update instead of after
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD + '''

def train_xor(Xb, y, w1, w2, eta, epochs):
    w1, w2 = w1.copy(), w2.copy()
    losses = []
    for _ in range(epochs):
        h, y_pred = forward(Xb, w1, w2)
        losses.append(half_mse(y_pred, y))
        grad_w1, grad_w2 = backward(Xb, y, h, y_pred, w2)
        w1 -= eta * grad_w1
        w2 -= eta * grad_w2
    return w1, w2, losses
''', ["ex1_train"]),
    # a fresh generator for every layer instead of one generator for all
    ("ex3_network", _network().replace("self.W = [rng.normal(size=(n_in + 1, n_out))",
                                       "self.W = [np.random.default_rng(seed).normal(size=(n_in + 1, n_out))"),
     ["ex3_init"]),
    # another default learning rate than the specification's eta=0.5
    ("ex3_network", _network().replace("def __init__(self, layers, eta=0.5, seed=0):",
                                       "def __init__(self, layers, eta=0.1, seed=0):"), ["ex3_init"]),
]

# Issue 19: the derivation, the gradient check before the class, tests that resist shortcuts, and blanks.
_XOR_TRAIN_WITH = '''

def train_xor(Xb, y, w1, w2, eta, epochs):
    w1, w2 = w1.copy(), w2.copy()
    losses = []
    for _ in range(EPOCHS):
        h, y_pred = forward(XB, w1, w2)
        grad_w1, grad_w2 = backward(XB, Y, h, y_pred, w2)
        UPDATE
        losses.append(half_mse(forward(XB, w1, w2)[1], Y))
    return w1, w2, losses
'''


def _train_xor(epochs="epochs", data=("Xb", "y"), update="w1 -= eta * grad_w1\n        w2 -= eta * grad_w2"):
    return (_XOR_TRAIN_WITH.replace("EPOCHS", epochs).replace("XB", data[0]).replace("Y", data[1])
            .replace("UPDATE", update))


RIGHT += [
    ("ex1_xor", '''
def forward(Xb, w1, w2):
    """np.tanh form of the sigmoid: sigma(z) = (1 + tanh(z / 2)) / 2."""
    h = 0.5 * (1 + np.tanh(0.5 * np.matmul(Xb, w1)))
    return h, 0.5 * (1 + np.tanh(0.5 * np.matmul(h, w2)))


def backward(Xb, y, h, y_pred, w2):
    """The chain rule step by step, with einsum for the sums over examples."""
    dL_dyhat = (y_pred - y) / Xb.shape[0]
    delta2 = dL_dyhat * y_pred * (1 - y_pred)
    dL_dh = np.einsum("nk,jk->nj", delta2, w2)
    delta1 = dL_dh * h * (1 - h)
    return np.einsum("ni,nj->ij", Xb, delta1), np.einsum("nj,nk->jk", h, delta2)


def train_xor(Xb, y, w1, w2, eta, epochs):
    weights = [np.copy(w1), np.copy(w2)]
    losses = []
    while len(losses) < epochs:
        h, y_pred = forward(Xb, *weights)
        gradients = backward(Xb, y, h, y_pred, weights[1])
        weights = [w - eta * g for w, g in zip(weights, gradients)]
        losses.append(half_mse(forward(Xb, *weights)[1], y))
    return weights[0], weights[1], losses
'''),
    ("ex2_numgrad", '''
def numerical_gradients(net, X, y, eps=1e-5):
    """A list comprehension over the entries; each weight restored with try/finally."""
    def centred(W, index):
        keep = W[index]
        try:
            W[index] = keep + eps
            up = net.loss(X, y)
            W[index] = keep - eps
            return (up - net.loss(X, y)) / (2 * eps)
        finally:
            W[index] = keep
    return [np.array([centred(W, index) for index in np.ndindex(W.shape)]).reshape(W.shape) for W in net.W]


def relative_error(a, b):
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    if not a.any() and not b.any():
        return 0.0
    return float(np.sqrt(np.dot(a - b, a - b)) / (np.sqrt(a @ a) + np.sqrt(b @ b)))
'''),
    ("ex5_digits_train", 'digits_settings = {"method": "sgd", "eta": 1, "epochs": 25}\n'),  # an int eta is a number too
]

WRONG.insert(0, ("ex3_network", _blank("ex3_network"),
                 ["ex3_init", "ex3_predict", "ex3_loss", "ex3_backprop", "ex3_fit_batch", "ex3_fit_sgd", "ex3_fit_xor"]))
WRONG += [
    # Blanks: each costs its own section only.
    ("ex1_xor", _blank("ex1_xor"), ["ex1_forward", "ex1_backward", "ex1_train"]),
    ("ex2_numgrad", _blank("ex2_numgrad"), ["ex2_numerical_gradients", "ex2_relative_error"]),
    ("ex4_encode", _blank("ex4_encode"), ["ex4_one_hot"]),
    ("ex5_digits_train", _blank("ex5_digits_train"), ["ex5_digits_accuracy"]),
    ("ex6_build_mlp", _blank("ex6_build_mlp"), ["ex6_keras_layers"]),
    # Section 1, the derivative mistakes: a missing chain-rule factor (no h(1 - h) for the hidden layer) ...
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD.replace("(delta_out @ w2.T) * h * (1 - h)", "delta_out @ w2.T")
     + _XOR_TRAIN, ["ex1_backward", "ex1_train"]),
    # ... the learning rate applied twice ...
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD + _train_xor(update="w1 -= eta * eta * grad_w1\n        "
                                                                 "w2 -= eta * eta * grad_w2"), ["ex1_train"]),
    # ... a training function that ignores the eta it is given, or the epochs, or the data.
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD + _train_xor(update="w1 -= 40.0 * grad_w1\n        "
                                                                 "w2 -= 40.0 * grad_w2"), ["ex1_train"]),
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD + _train_xor(epochs="5000")[:-len("    return w1, w2, losses\n")]
     + "    return w1, w2, losses[:epochs]\n", ["ex1_train"]),
    ("ex1_xor", _XOR_FORWARD + _XOR_BACKWARD + _train_xor(data=("Xb_xor", "y_xor")), ["ex1_train"]),
    # Section 2: eps ignored (always 1e-5).
    ("ex2_numgrad", _NUMGRAD.replace("def numerical_gradients(net, X, y, eps=1e-5):",
                                     "def numerical_gradients(net, X, y, eps=1e-5):\n    eps = 1e-5")
     + _RELATIVE_ERROR, ["ex2_numerical_gradients"]),
    # Section 3: the hidden layers' a(1 - a) forgotten (a missing chain-rule factor) ...
    ("ex3_network", _network().replace("delta = (delta @ self.W[i][:-1].T) * activations[i] * (1 - activations[i])",
                                       "delta = delta @ self.W[i][:-1].T"), ["ex3_backprop", "ex3_fit_xor"]),
    # ... a loss() that agrees with sign-flipped gradients when the weights are set from outside ...
    ("ex3_network", _network(loss="-float(half_mse(self.predict(X), np.atleast_2d(y)))",
                             output_delta="(y - output) * output * (1 - output) / len(output)"),
     ["ex3_loss", "ex3_backprop", "ex3_fit_xor"]),
    # ... the learning rate applied twice in every update ...
    ("ex3_network", _network().replace("W -= self.eta * gradient", "W -= self.eta * self.eta * gradient"),
     ["ex3_fit_batch", "ex3_fit_sgd"]),
    # ... "sgd" as the default method, where the specification says "batch" ...
    ("ex3_network", _network().replace('def fit(self, X, y, epochs, method="batch"):',
                                       'def fit(self, X, y, epochs, method="sgd"):'), ["ex3_fit_batch"]),
    # ... each epoch's loss recorded before its updates ...
    ("ex3_network", _network().replace('''        for _ in range(epochs):
            if method == "batch":''', '''        for _ in range(epochs):
            self.loss_history.append(self.loss(X, y))
            if method == "batch":''').replace('''            self.loss_history.append(self.loss(X, y))
        return self''', '''        return self'''), ["ex3_fit_batch"]),
    # ... and a fit() that does not train, with a predict() that looks the XOR inputs up in its own table.
    ("ex3_network", _network().replace('''                self._step(self.back_propagation(X, y))''', '''                pass''')
     .replace('''                    self._step(self.back_propagation(X[n:n + 1], y[n:n + 1]))''', '''                    pass''')
     .replace('''    def predict(self, X):
        return self._activations(X)[-1]''', '''    def predict(self, X):
        out = self._activations(X)[-1]
        table = {(0.0, 0.0): 0.0, (0.0, 1.0): 1.0, (1.0, 0.0): 1.0, (1.0, 1.0): 0.0}
        X2 = np.atleast_2d(X)
        if X2.shape[1] == 2 and all(tuple(map(float, row)) in table for row in X2):
            return np.array([[table[tuple(map(float, row))]] for row in X2])
        return out'''), ["ex3_fit_batch", "ex3_fit_sgd", "ex3_fit_xor"]),
    # Section 4: integer one-hot rows, where the text asks for floats.
    ("ex4_encode", '''
def one_hot(labels, n_classes):
    return np.eye(n_classes, dtype=int)[np.asarray(labels)]
''', ["ex4_one_hot"]),
    # Section 5: more epochs than the text allows.
    ("ex5_digits_train", 'digits_settings = {"method": "sgd", "eta": 1.0, "epochs": 80}\n', ["ex5_digits_accuracy"]),
]
