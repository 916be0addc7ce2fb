"""A squared error written out (frameworks/squared.py) in the spellings of TensorFlow,
Keras' backend and torch's functions: a sigmoid trained so on class values is HL002,
once something trains on it (backward, an optimizer's minimize, a tape's gradient,
the loss function Keras calls)."""

import pytest

from conftest import codes
from headlint.engine import check_text

TF1 = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 1]))
b = tf.Variable(tf.zeros([1]))
d_real = tf.nn.sigmoid(tf.matmul(x, W) + b)
d_fake = tf.nn.sigmoid(tf.matmul(z, W) + b)
{loss}
{train}
"""


@pytest.mark.parametrize(
    "loss, train, expected",
    [
        ("d_loss = tf.reduce_mean(tf.square(d_real - 1))", "op = tf.train.AdamOptimizer(1e-3).minimize(d_loss)", ["HL002"]),
        ("d_loss = tf.reduce_sum(tf.square(d_real - 1) + tf.square(d_fake)) / 2",
         "op = tf.train.AdamOptimizer(1e-3).minimize(d_loss)", ["HL002", "HL002"]),
        ("d_loss = tf.reduce_mean(tf.math.squared_difference(d_real, tf.ones_like(d_real)))",
         "op = tf.train.AdamOptimizer(1e-3).minimize(d_loss)", ["HL002"]),
        ("d_loss = tf.sqrt(2 * tf.nn.l2_loss(d_real - tf.ones_like(d_real))) / batch_size",
         "grads = tf.gradients(d_loss, [W, b])", ["HL002"]),
        ("d_loss = tf.reduce_mean(tf.pow(d_real - 1, 2))", "op = optimizer.compute_gradients(d_loss)", ["HL002"]),
        # computed but never trained: a number that is printed
        ("brier = tf.reduce_mean(tf.square(d_real - 1))", "print(sess.run(brier))", []),
        # raw scores, as the least-squares GAN wants them
        ("d_loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - 1))",
         "op = tf.train.AdamOptimizer(1e-3).minimize(d_loss)", []),
    ],
)
def test_tf1_squared_errors_on_a_sigmoid(loss, train, expected):
    assert codes(TF1.format(loss=loss, train=train)) == expected


def test_a_keras_loss_function_of_the_users_own_writes_the_squared_error():
    code = """
import numpy as np
import tensorflow as tf
from keras import backend as K
from keras.layers import Input, Dense, Activation
from keras.models import Model

def lse(y_true, y_pred):
    return {body}

inp = Input(shape=(8,))
out = Activation("sigmoid")(Dense(1)(inp))
d = Model(inputs=inp, outputs=out)
d.compile(optimizer="adam", loss=lse)
d.train_on_batch(x, np.array([[0.0], [1.0]]))
"""
    assert codes(code.format(body="tf.reduce_mean(tf.squared_difference(y_pred, y_true))")) == ["HL002"]
    assert codes(code.format(body="K.mean(K.square(y_pred - y_true))")) == ["HL002"]
    assert codes(code.format(body="K.mean(K.abs(y_pred - y_true))")) == []


def test_a_tape_trains_what_its_gradient_is_taken_of():
    code = """
import torch
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
with tf.GradientTape() as tape:
    d = model(x)
    loss = tf.reduce_mean(tf.square(d - tf.ones_like(d)))
grads = tape.gradient(loss, model.trainable_variables)
"""
    assert codes(code) == ["HL002"]


def test_the_message_shows_the_function_spelling_and_tf1_advice():
    code = TF1.format(loss="d_loss = tf.reduce_mean(tf.square(d_real - 1))",
                      train="op = tf.train.AdamOptimizer(1e-3).minimize(d_loss)")
    (finding,) = check_text(code, "gan.py").findings
    assert "(tf.reduce_mean(tf.square(d - 1)), line 8)" in finding.message
    assert "tf.nn.sigmoid_cross_entropy_with_logits on the logits" in finding.message


def test_targets_all_one_or_all_zero_are_the_class_values_a_discriminator_is_pushed_to():
    code = """
import numpy as np
from keras.layers import Input, Dense, Activation
from keras.models import Model

inp = Input(shape=(8,))
d = Model(inputs=inp, outputs=Activation("sigmoid")(Dense(1)(inp)))
d.compile(optimizer="adam", loss="mse")
ones = np.ones(shape=(32, 1)) * {factor}
zeros = ones * 0
d.train_on_batch(real, ones)
d.train_on_batch(fake, zeros)
"""
    assert codes(code.format(factor="1.0")) == ["HL002"]
    # soft labels (0.9): a regression onto a value between the classes, not a class value
    assert codes(code.format(factor="0.9").replace("d.train_on_batch(fake, zeros)\n", "")) == []


def test_placeholder_labels_of_a_graph_classifier_read_by_argmax():
    # TF 1's MNIST tutorial with squared error: the labels are a placeholder fed at
    # sess.run, and the accuracy's argmax says the sigmoid outputs are class scores
    source = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 784])
label = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.sigmoid(tf.matmul(x, W) + b)
loss = tf.reduce_mean(tf.square(y - label))
train_step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
{read}
"""
    read = "correct = tf.equal(tf.argmax(y, 1), tf.argmax(label, 1))"
    assert codes(source.format(read=read)) == ["HL002"]
    # without the class read the targets could be anything in [0, 1]: a regression
    assert codes(source.format(read="")) == []
