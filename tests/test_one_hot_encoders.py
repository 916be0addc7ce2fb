"""One-hot targets made by pandas and scikit-learn (vocabulary.ONE_HOT_ENCODERS):
one-hot only for the inputs that encode one class per row."""

import pytest

from conftest import codes
from headlint.engine import check_text

KERAS_HEAD = """
import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelBinarizer, OneHotEncoder, label_binarize
from tensorflow import keras

df = pd.read_csv("data.csv")
y = df["species"].to_numpy()
{targets}
model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense({units}, activation="{activation}"),
])
model.compile(optimizer="adam", loss="{loss}")
model.fit(X, targets, epochs=10)
"""


def _head(targets, units=3, activation="softmax", loss="binary_crossentropy"):
    return codes(KERAS_HEAD.format(targets=targets, units=units, activation=activation, loss=loss))


def _called_one_hot(targets) -> bool:
    """A 3-unit softmax with binary crossentropy is HL011 whatever the targets; one-hot
    targets make the message say so, and name categorical crossentropy as the fix."""
    (finding,) = check_text(KERAS_HEAD.format(targets=targets, units=3, activation="softmax", loss="binary_crossentropy"), "m.py").findings
    assert finding.code == "HL011"
    return "on one-hot targets" in finding.message


@pytest.mark.parametrize(
    "targets",
    [
        'targets = pd.get_dummies(df["species"])',
        'targets = pd.get_dummies(df["species"]).values',
        "targets = pd.get_dummies(df.iloc[:, -1]).to_numpy().astype('float32')",
        'targets = pd.get_dummies(df.loc[:, "species"], dtype=float)',
        "targets = OneHotEncoder(sparse_output=False).fit_transform(y.reshape(-1, 1))",
        'targets = OneHotEncoder().fit_transform(df[["species"]]).toarray()',
        "encoder = OneHotEncoder(sparse=False)\nencoder.fit(y[:, None])\ntargets = encoder.transform(y[:, None])",
        "targets = LabelBinarizer().fit_transform(y)",
        "targets = label_binarize(y, classes=[0, 1, 2])",
    ],
)
def test_one_hot_targets_into_a_softmax_with_binary_crossentropy(targets):
    assert _called_one_hot(targets)


@pytest.mark.parametrize(
    "targets",
    [
        # a whole frame: each categorical column encoded, the others kept as they are
        "targets = pd.get_dummies(df)",
        'targets = pd.get_dummies(df, columns=["species", "island"])',
        'targets = pd.get_dummies(df[["species"]])',  # a numeric column of a frame is kept, not encoded
        # several columns: one one-hot block per column, several ones per row
        'targets = OneHotEncoder().fit_transform(df[["species", "island"]]).toarray()',
        "targets = OneHotEncoder().fit_transform(features).toarray()",
        # two classes: one 0/1 column
        "targets = label_binarize(y, classes=[0, 1])",
    ],
)
def test_encodings_that_are_not_one_hot_rows_are_not_called_one_hot(targets):
    assert not _called_one_hot(targets)


def test_label_binarizer_with_an_unknown_unit_count_may_be_one_unit():
    """Two classes give LabelBinarizer one column: a sigmoid head of unknown width
    with categorical crossentropy may be that one unit, whose loss is 0 whatever the
    input (HL010's mistake), or several that do not sum to 1: wrong either way, and the
    message says both."""
    source = KERAS_HEAD.format(
        targets="targets = LabelBinarizer().fit_transform(y)", units="n_classes", activation="sigmoid",
        loss="categorical_crossentropy",
    )
    def said(text):
        return [(f.code, "over a single unit the loss is 0" in f.message) for f in check_text(text, "m.py").findings]

    assert said(source) == [("HL011", True)]
    assert said(source.replace("LabelBinarizer().fit_transform(y)", 'pd.get_dummies(df["species"])')) == [("HL011", False)]


def test_a_binary_label_binarizer_head_is_clean():
    assert _head("targets = LabelBinarizer().fit_transform(y)", units=1, activation="sigmoid") == []
