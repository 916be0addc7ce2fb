"""The Keras adapter (tf.keras and Keras 3): every style the core issue lists."""

import pytest

from conftest import codes, lint

HEADER = """
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
"""


def keras_lint(body):
    return lint(HEADER + body)


def test_sequential_softmax_with_from_logits_true():
    assert keras_lint(
        """
model = keras.Sequential([
    layers.Dense(128, activation="relu"),
    layers.Dense(10,
                 activation="softmax"),
])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
"""
    ) == [("HL001", 10)]


@pytest.mark.parametrize(
    "last",
    [
        'layers.Dense(10, activation=tf.nn.softmax)',
        'layers.Dense(10, activation=keras.activations.softmax)',
        'layers.Dense(10), layers.Activation("softmax")',
        "layers.Dense(10), layers.Softmax()",
    ],
)
def test_every_softmax_spelling_in_a_sequential(last):
    assert [c for c, _ in keras_lint(
        f"""
model = keras.Sequential([layers.Dense(64, activation="relu"), {last}])
model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer="adam")
"""
    )] == ["HL001"]


def test_model_add_and_a_loss_function_with_from_logits():
    assert [c for c, _ in keras_lint(
        """
model = keras.Sequential()
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10))
model.add(layers.Activation("softmax"))
model.compile(loss=lambda y, p: keras.losses.sparse_categorical_crossentropy(y, p, from_logits=True))
"""
    )] == ["HL001"]


def test_functional_api():
    assert keras_lint(
        """
inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(5)(x)
outputs = layers.Softmax()(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))
"""
    ) == [("HL001", 10)]


def test_subclassed_model_and_custom_training_loop():
    assert keras_lint(
        """
class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(64, activation="relu")
        self.out = layers.Dense(10)

    def call(self, x):
        return tf.nn.softmax(self.out(self.hidden(x)))

model = Classifier()
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam()
for x, y in dataset:
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
"""
    ) == [("HL001", 14)]


def test_tf_nn_fused_softmax_cross_entropy():
    assert [c for c, _ in keras_lint(
        """
model = keras.Sequential([layers.Dense(10, activation="softmax")])
probs = model(x)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=probs))
"""
    )] == ["HL001"]


def test_correct_keras_heads_are_quiet():
    assert keras_lint(
        """
a = keras.Sequential([layers.Dense(10, activation="softmax")])
a.compile(loss="categorical_crossentropy", optimizer="adam")
b = keras.Sequential([layers.Dense(10)])
b.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
c = keras.Sequential([layers.Dense(1, activation="sigmoid")])
c.compile(loss="binary_crossentropy", metrics=["accuracy"])
c.fit(x, (x.sum(axis=1) > 0).astype("int32"))

class Sub(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(10)

    def call(self, x, training=False):
        logits = self.d(x)
        if training:
            return logits
        return tf.nn.softmax(logits)

s = Sub()
s.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
"""
    ) == []


def test_one_unit_softmax_with_binary_crossentropy():
    assert keras_lint(
        """
model = keras.Sequential([
    layers.Dense(16, activation="relu", input_shape=(8,)),
    layers.Dense(1, activation="softmax"),
])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
"""
    ) == [("HL004", 9)]


def test_sigmoid_mse_classifier_by_accuracy_metric_and_by_labels():
    assert [c for c, _ in keras_lint(
        """
model = keras.Sequential([layers.Dense(1, activation="sigmoid")])
model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
model.fit(x_train, y_train)
"""
    )] == ["HL002"]
    assert [c for c, _ in keras_lint(
        """
from sklearn.preprocessing import LabelEncoder
y = LabelEncoder().fit_transform(raw_labels)
model = keras.Sequential([layers.Dense(1, activation="sigmoid")])
model.compile(loss=keras.losses.MeanSquaredError(), optimizer="sgd")
model.fit(x_train, y)
"""
    )] == ["HL002"]


def test_relu_regression_on_standardised_targets():
    assert [c for c, _ in keras_lint(
        """
from sklearn.preprocessing import StandardScaler
y_train = StandardScaler().fit_transform(df[["price_change"]])
model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(1, activation="relu")])
model.compile(loss="mse", optimizer="adam")
model.fit(x_train, y_train, epochs=20)
"""
    )] == ["HL003"]


def test_multi_output_model_reports_only_the_wrong_head():
    assert keras_lint(
        """
inputs = keras.Input(shape=(16,))
h = layers.Dense(32, activation="relu")(inputs)
cls = layers.Dense(4, activation="softmax", name="cls")(h)
reg = layers.Dense(1, activation="relu", name="reg")(h)
model = keras.Model(inputs, [cls, reg])
model.compile(loss={"cls": keras.losses.CategoricalCrossentropy(from_logits=True), "reg": "mse"})
model.fit(x, {"cls": y_cls, "reg": y_reg})
"""
    ) == [("HL001", 9)]


def test_a_reshape_after_a_one_unit_dense_hides_its_unit_count():
    # (batch, time, 1) scores flattened to (batch, time): a softmax over time steps
    assert keras_lint(
        """
inputs = keras.Input(shape=(20, 8))
scores = layers.Dense(1)(inputs)
weights = layers.Softmax()(layers.Flatten()(scores))
model = keras.Model(inputs, weights)
reshaped = keras.Sequential([layers.Dense(1), layers.Reshape((4,)), layers.Activation("softmax")])
reshaped.compile(loss="categorical_crossentropy")
"""
    ) == []


def test_multi_output_compile_dict_reports_the_raw_binary_head_only():
    assert keras_lint(
        """
inputs = keras.Input(shape=(16,))
h = layers.Dense(32, activation="relu")(inputs)
churn = layers.Dense(1, name="churn")(h)
spend = layers.Dense(1, name="spend")(h)
model = keras.Model(inputs, [churn, spend])
model.compile(loss={"churn": "binary_crossentropy", "spend": "mse"}, optimizer="adam")
model.fit(x, {"churn": y_churn, "spend": y_spend})
"""
    ) == [("HL007", 9)]


def test_from_logits_true_in_a_lambda_on_a_sigmoid_output():
    assert [c for c, _ in keras_lint(
        """
model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(loss=lambda y, p: keras.losses.binary_crossentropy(y, p, from_logits=True), optimizer="adam")
"""
    )] == ["HL005"]


@pytest.mark.parametrize("loss", ['"sparse_categorical_crossentropy"', "keras.losses.CategoricalCrossentropy()"])
def test_one_unit_with_a_categorical_loss(loss):
    assert [c for c, _ in keras_lint(
        f"""
model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
model.compile(loss={loss}, optimizer="adam")
"""
    )] == ["HL010"]


def test_raw_scores_with_an_activation_layer_after_them_are_not_raw():
    assert keras_lint(
        """
model = keras.Sequential([layers.Dense(10), layers.Activation("softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
binary = keras.Sequential([layers.Dense(1), layers.Activation(tf.nn.sigmoid)])
binary.compile(loss="binary_crossentropy", optimizer="adam")
"""
    ) == []


def test_an_unpacked_argument_may_hold_the_activation():
    assert keras_lint(
        """
head_cfg = load_config()["head"]
model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1, **head_cfg)])
model.compile(loss="binary_crossentropy", optimizer="adam")
other = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(*get_args())])
other.compile(loss="binary_crossentropy", optimizer="adam")
"""
    ) == []
    assert [c for c, _ in keras_lint(
        """
model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1, activation=None, **extra)])
model.compile(loss="binary_crossentropy", optimizer="adam")
"""
    )] == ["HL007"]


@pytest.mark.parametrize(
    "dropout",
    [
        "tf.nn.dropout(probs, rate=0.5)",
        "tf.compat.v1.nn.dropout(probs, keep_prob=0.5)",
        "tf.keras.backend.dropout(probs, 0.5)",
        "keras.random.dropout(probs, 0.5)",
    ],
)
def test_dropout_functions_keep_what_the_output_is(dropout):
    # A softmax output stays one after dropout: fed to a loss that applies softmax, HL001.
    code = f"""
import keras
import tensorflow as tf

probs = tf.layers.dense(features, 10, activation=tf.nn.softmax)
dropped = {dropout}
loss = tf.losses.softmax_cross_entropy(labels, dropped)
"""
    assert codes(code) == ["HL001"]
    assert codes(code.replace(f"dropped = {dropout}", "dropped = tf.abs(probs) * 2")) == []


def test_the_loss_is_applied_by_fit_and_created_by_compile():
    from headlint.engine import check_text

    source = (
        "import keras\n"
        "model = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam',\n"
        "              loss=keras.losses.CategoricalCrossentropy(from_logits=True))\n"
        "model.fit(x, y, epochs=3)\n"
    )
    (finding,) = check_text(source, "train.py").findings
    assert finding.code == "HL001" and "(line 5)" in finding.message
    assert [(label, span.line) for label, span in finding.related] == [("loss applied here", 5), ("loss created here", 4)]


def test_a_loss_named_by_a_string_is_created_by_compile():
    from headlint.engine import check_text

    source = (
        "import keras\n"
        "model = keras.Sequential([keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
        "model.fit(x, y)\n"
    )
    located = [f for f in check_text(source, "train.py").findings if f.code == "HL007"]
    assert [(label, span.line) for label, span in located[0].related] == [("loss applied here", 4), ("loss created here", 3)]


def test_a_one_unit_softmax_layer_is_reported_where_it_is_built_even_if_no_model_in_sight_uses_it():
    # a layer list in a configuration module, assembled into a model elsewhere
    assert lint(
        """
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.losses import BinaryCrossentropy

        classifier = {
            "loss": BinaryCrossentropy(),
            "layers": [Dense(units=32, activation="relu"), Dense(units=1, activation="softmax")],
        }
        """
    ) == [("HL004", 7)]


def test_a_one_unit_sigmoid_or_a_two_unit_softmax_layer_is_not_a_constant():
    assert lint(
        """
        from tensorflow.keras.layers import Dense

        layers = [Dense(1, activation="sigmoid"), Dense(2, activation="softmax"), Dense(units=1)]
        """
    ) == []


# --- training calls and the models they train -------------------------------------------


def test_train_on_batch_trains_with_the_compiled_loss_on_its_targets():
    # the targets of train_on_batch(x, y) are signed (a normal draw): HL003's sign analysis reads them
    assert keras_lint(
        """
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="relu")])
model.compile(optimizer="rmsprop", loss="mse")
x = np.random.normal(0.0, 1.0, (1000, 3))
y = 0.2 * x[:, 0] + 0.95 * x[:, 2]
for step in range(100):
    model.train_on_batch(x, y)
"""
    ) == [("HL003", 7)]


GAN = """
def build_generator():
    g = keras.Sequential([keras.Input(shape=(100,)), layers.Dense(256, activation="relu"), layers.Dense(784, activation="tanh")])
    g.compile(loss="binary_crossentropy", optimizer="adam")  # never trained on its own
    return g

def build_discriminator():
    d = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(256, activation="relu"), layers.Dense(1, activation="sigmoid")])
    d.compile(loss="binary_crossentropy", optimizer="adam")
    return d

generator, discriminator = build_generator(), build_discriminator()
COMBINE
for step in range(1000):
    noise = np.random.normal(0, 1, (64, 100))
    fake = generator.predict(noise)
    discriminator.train_on_batch(np.concatenate([real, fake]), np.array([1] * 64 + [0] * 64))
    gan.train_on_batch(noise, np.ones(64))
"""


@pytest.mark.parametrize(
    "combine",
    [
        "gan = keras.Sequential([generator, discriminator])",
        "z = keras.Input(shape=(100,))\ngan = keras.Model(z, discriminator(generator(z)))",
    ],
    ids=["sequential", "functional"],
)
def test_a_gan_generator_compiled_but_trained_only_inside_the_combined_model_is_not_a_head(combine):
    # the generator's tanh output and its compiled binary_crossentropy would be HL011, but
    # nothing minimises that loss: the generator trains through gan, whose output is the
    # discriminator's sigmoid
    assert keras_lint(GAN.replace("COMBINE", combine + "\ngan.compile(loss='binary_crossentropy', optimizer='adam')")) == []


def test_a_component_that_is_trained_on_its_own_keeps_its_compiled_loss():
    text = GAN.replace("COMBINE", "gan = keras.Sequential([generator, discriminator])\ngan.compile(loss='binary_crossentropy', optimizer='adam')")
    text += "    generator.train_on_batch(noise, real)\n"
    assert [code for code, _ in keras_lint(text)] == ["HL011"]
