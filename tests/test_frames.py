"""pandas DataFrames: a column keeps the fact the code gave it, the table has them all."""

import pytest

from headlint import targets
from headlint.records import Kind, Sign, TargetFact
from headlint.engine import check_text
from conftest import codes

SIGNED = TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "StandardScaler")
NONNEG = TargetFact(Kind.CONTINUOUS, Sign.NONNEG)

# A Keras regression ending in ReLU, trained on ``y`` (the reconstruction of ``X`` for
# an autoencoder); the frame is read from a CSV, so nothing is known of its columns
# until the code sets them.
RELU_ON_FRAME = """
import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
from keras.models import Sequential
from keras.layers import Dense

df = pd.read_csv("transactions.csv")
{data}
model = Sequential([Dense(16, activation="tanh"), Dense(29, activation="relu")])
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(X, y, epochs=10)
"""


@pytest.mark.parametrize(
    "data, expected",
    [
        # the fraud-detection autoencoder: one column standardised, the table its own target
        (
            "data = df.drop(['Time'], axis=1)\n"
            "data['Amount'] = StandardScaler().fit_transform(data['Amount'].values.reshape(-1, 1))\n"
            "X_train, X_test = train_test_split(data, test_size=0.2)\n"
            "X_train = X_train[X_train.Class == 0]\n"
            "X = y = X_train.drop(['Class'], axis=1).values",
            ["HL003"],
        ),
        # the target column itself standardised
        ("df['price'] = StandardScaler().fit_transform(df[['price']])\nX = df.drop(columns=['price'])\ny = df['price']",
         ["HL003"]),
        ("df[['price', 'area']] = StandardScaler().fit_transform(df[['price', 'area']])\nX = df\ny = df[['price']]",
         ["HL003"]),
        ("df['price'] = StandardScaler().fit_transform(df[['price']])\ny = df.pop('price')\nX = df", ["HL003"]),
        ("df['change'] = np.random.randn(len(df))\nX = y = df.dropna().to_numpy()", ["HL003"]),
        ("frame = pd.DataFrame({'x': np.random.rand(100), 'y': np.random.randn(100)})\nX = frame[['x']]\ny = frame['y']",
         ["HL003"]),
        # a feature standardised, a target that is not: nothing is known of the target
        ("df['area'] = StandardScaler().fit_transform(df[['area']])\nX = df.drop('price', axis=1)\ny = df['price']", []),
        ("df['area'] = StandardScaler().fit_transform(df[['area']])\nvalues = df.values\nX, y = values[:, :-1], values[:, -1]",
         []),
        ("df['area'] = StandardScaler().fit_transform(df[['area']])\nX = df.iloc[:, :-1]\ny = df.iloc[:, -1]", []),
        # the standardised column dropped before the table is the target
        ("df['Amount'] = StandardScaler().fit_transform(df[['Amount']])\nX = y = df.drop(columns=['Amount'])", []),
        ("df['Amount'] = StandardScaler().fit_transform(df[['Amount']])\nX = y = df.drop(['Amount'], axis=1)", []),
        # columns set under names that are not literals: the table can be negative, no one column is known
        ("cols = numeric_columns(df)\ndf[cols] = StandardScaler().fit_transform(df[cols])\nX = y = df.values", ["HL003"]),
        ("cols = numeric_columns(df)\ndf[cols] = StandardScaler().fit_transform(df[cols])\nX = df\ny = df['price']", []),
        # rows dropped (not columns), or nothing set at all
        ("df['Amount'] = StandardScaler().fit_transform(df[['Amount']])\nX = y = df.drop(index=[0, 1]).values", ["HL003"]),
        ("X = y = df.values", []),
        ("X = df\ny = df['price'].values", []),
    ],
)
def test_column_facts_decide_the_sign_of_a_frame(data, expected):
    assert codes(RELU_ON_FRAME.format(data=data)) == expected


def test_the_message_names_the_column_the_negative_values_come_from():
    code = RELU_ON_FRAME.format(data="df['Amount'] = StandardScaler().fit_transform(df[['Amount']])\nX = y = df.values")
    (finding,) = check_text(code, "fraud.py").findings
    assert "(they come from StandardScaler, in column 'Amount')" in finding.message


def test_a_whole_table_fact_is_negative_when_one_column_is_and_says_so_by_column():
    whole = targets.of_columns([("Amount", SIGNED)], TargetFact())
    assert whole.sign is Sign.SIGNED and whole.by_column
    assert whole.because == "StandardScaler, in column 'Amount'"
    assert targets.of_columns([("a", NONNEG)], NONNEG) == NONNEG  # columns alike: a fact of each
    assert targets.of_columns([("a", NONNEG)], TargetFact()).sign is Sign.UNKNOWN
    assert targets.of_columns([], SIGNED) is SIGNED


def test_a_column_fact_survives_the_operations_that_copy_the_sign():
    whole = targets.of_columns([("Amount", SIGNED)], TargetFact())
    assert targets.binary("*", whole, NONNEG).by_column
    assert targets.transfer("astype", whole, ("float32",)).by_column
    assert targets.join(whole, whole).by_column


SIGMOID_ON_COLUMN = """
import pandas as pd
from keras.models import Sequential
from keras.layers import Dense

df = pd.read_csv("messages.csv")
df["label"] = df["label"].map({mapping})
y = df["label"].values
X = df.drop("label", axis=1).values
model = Sequential([Dense(8, activation="relu"), Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(X, y)
"""


@pytest.mark.parametrize(
    "mapping, expected",
    [
        ("{'ham': 0, 'spam': 1}", ["HL002"]),  # a Series mapped to 0/1: binary labels
        ("{'no': False, 'yes': True}", ["HL002"]),
        ("{'low': 0, 'mid': 1, 'high': 2}", []),  # ordinal scores, not two classes
        ("{'low': 0.5, 'high': 2.5}", []),
        ("{'ham': 0, 'spam': code}", []),  # a value not a literal
        ("codes", []),
    ],
)
def test_a_column_mapped_to_literal_values_has_their_facts(mapping, expected):
    assert codes(SIGMOID_ON_COLUMN.format(mapping=mapping)) == expected
