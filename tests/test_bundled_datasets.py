"""Datasets the libraries bundle: what keras.datasets' ``load_data()`` gives
(vocabulary/keras.py LOADED_DATASETS: images of 0-255, class indices of a known number
of classes, which their one-hot rows keep, or non-negative prices, in tf.keras, Keras 3
and Keras 2 spellings), and scikit-learn's ``load_iris()`` and the like
(vocabulary/data.py TOY_DATASETS: a Bunch, or (X, y) with ``return_X_y=True``), and
seaborn's example tables (TABLE_DATASETS: ``sns.load_dataset("titanic")``'s columns)."""

import pytest

from conftest import codes
from headlint.engine import check_text

FACTORY = """
{imports}

def build(classes):
    model = Sequential()
    model.add(Dense(128, activation="relu", input_dim=784))
    model.add(Dense(classes, activation="softmax"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model

(X_train, y_train), (X_test, y_test) = {dataset}.load_data({options})
X_train = X_train.reshape(len(X_train), 784) / 255
Y_train = {encode}(y_train)
model = build(Y_train.shape[1])
model.fit(X_train, Y_train, epochs=5)
"""
KERAS2 = "from keras.datasets import mnist, cifar100, imdb\nfrom keras.models import Sequential\nfrom keras.layers import Dense\nfrom keras.utils import np_utils"
TF_KERAS = "from tensorflow.keras.datasets import mnist, cifar100, imdb\nfrom tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Dense\nfrom tensorflow.keras.utils import to_categorical"


def _findings(imports=TF_KERAS, dataset="mnist", options="", encode="to_categorical"):
    return check_text(FACTORY.format(imports=imports, dataset=dataset, options=options, encode=encode), "train.py").findings


@pytest.mark.parametrize("imports, encode", [(TF_KERAS, "to_categorical"), (KERAS2, "np_utils.to_categorical")])
def test_one_hot_labels_of_a_dataset_keep_its_class_count(imports, encode):
    # the softmax's width is a parameter, but the targets are MNIST's 10 classes one-hot
    (finding,) = _findings(imports, encode=encode)
    assert finding.code == "HL011" and "softmax over 10 units" in finding.message


def test_cifar100_coarse_labels_have_20_classes():
    (finding,) = _findings(dataset="cifar100", options='label_mode="coarse"')
    assert "softmax over 20 units" in finding.message
    (finding,) = _findings(dataset="cifar100")
    assert "softmax over 100 units" in finding.message


def test_two_classes_one_hot_are_exactly_categorical_crossentropy():
    # IMDB's two classes: a 2-way softmax with binary_crossentropy is the same loss
    assert _findings(dataset="imdb") == []


def test_imdb_labels_are_the_class_values_of_a_sentiment_classifier():
    # a sigmoid trained with squared error on IMDB's 0/1 labels: a classifier (HL002)
    source = """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=10000)
x_train = keras.utils.pad_sequences(x_train, maxlen=200)
model = keras.Sequential([keras.layers.Embedding(10000, 16), keras.layers.GlobalAveragePooling1D(),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="mse", optimizer="adam")
model.fit(x_train, y_train)
"""
    assert codes(source) == ["HL002"]
    assert codes(source.replace('loss="mse"', 'loss="binary_crossentropy"')) == []


def test_house_prices_are_non_negative_targets():
    # a ReLU output for a price is right (HL003 is about targets that can be negative)
    source = """
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.boston_housing.load_data()
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1, activation="relu")])
model.compile(loss="mse", optimizer="adam")
model.fit(x_train, y_train)
"""
    assert codes(source) == []


SKLEARN = """
from sklearn import datasets
from tensorflow import keras

{load}
Y = keras.utils.to_categorical(y)
model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(Y.shape[1], activation="softmax")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, Y, epochs=10)
"""


@pytest.mark.parametrize(
    "load, classes",
    [
        ("iris = datasets.load_iris()\nX, y = iris.data, iris.target", 3),
        ('wine = datasets.load_wine()\nX, y = wine["data"], wine["target"]', 3),
        ("X, y = datasets.load_digits(return_X_y=True)", 10),
        ("X, y = datasets.load_digits(n_class=5, return_X_y=True)", 5),
    ],
)
def test_scikit_learn_datasets_know_their_classes(load, classes):
    (finding,) = check_text(SKLEARN.format(load=load), "iris.py").findings
    assert finding.code == "HL011" and f"softmax over {classes} units" in finding.message


def test_two_classes_of_a_scikit_learn_dataset_are_labels():
    # digits cut to two classes: a 2-way softmax with binary_crossentropy is exact
    assert codes(SKLEARN.format(load="X, y = datasets.load_digits(n_class=2, return_X_y=True)")) == []
    # breast cancer's 0/1 labels: a sigmoid trained with squared error on them is HL002
    source = """
from sklearn.datasets import load_breast_cancer
from tensorflow import keras
X, y = load_breast_cancer(return_X_y=True)
model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y)
"""
    assert codes(source) == ["HL002"]


TITANIC = """
import seaborn as sns
import torch
import torch.nn as nn

df = sns.load_dataset("titanic").dropna()
y = torch.tensor(df.pop({column}).values).float().unsqueeze(1)
X = torch.tensor(df[["pclass", "sibsp", "parch"]].values).float()
model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1), nn.{activation}())
loss_fn = nn.MSELoss()
loss = loss_fn(model(X), y)
loss.backward()
"""


def test_titanic_survived_is_a_two_class_label():
    # seaborn's Titanic table: 'survived' is 0/1, so a sigmoid with squared error on it is HL002
    assert codes(TITANIC.format(column='"survived"', activation="Sigmoid")) == ["HL002"]


def test_titanic_fares_are_non_negative_regression_targets():
    # 'fare' is a price: a ReLU output for it is right, and a sigmoid is not a classifier
    assert codes(TITANIC.format(column='"fare"', activation="ReLU")) == []
    assert codes(TITANIC.format(column='"fare"', activation="Sigmoid")) == []


def test_a_table_seaborn_does_not_describe_says_nothing():
    assert codes(TITANIC.replace('"titanic"', "name").format(column='"survived"', activation="Sigmoid")) == []
