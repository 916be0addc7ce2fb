"""A loop over a literal list of layers (``nn.ModuleList``, a list of Keras layers, a
config's layer list) applies them in order: the model's output is what the last one
makes of what the others made."""

from conftest import lint


MODULE_LIST = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(LAYERS)

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    model, criterion = Net(), nn.CrossEntropyLoss()
    for xb, yb in loader:
        criterion(model(xb), yb).backward()
    """


def test_forward_looping_over_a_module_list_ending_in_softmax_meets_cross_entropy():
    layers = "[nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5), nn.Softmax(dim=1)]"
    # at the softmax in the list, not at ``layer(x)``
    assert lint(MODULE_LIST.replace("LAYERS", layers)) == [("HL001", 7)]


def test_a_module_list_ending_in_a_linear_layer_is_silent():
    layers = "[nn.Linear(10, 20), nn.Softmax(dim=1), nn.Linear(20, 5)]"
    assert lint(MODULE_LIST.replace("LAYERS", layers)) == []


def test_enumerate_keeps_the_order_and_reversed_turns_it():
    source = """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = nn.ModuleList([nn.Softmax(dim=1), nn.Linear(20, 5)])

            def forward(self, x):
                for i, block in {loop}:
                    x = block(x)
                return x

        model, criterion = Net(), nn.CrossEntropyLoss()
        for xb, yb in loader:
            criterion(model(xb), yb).backward()
        """
    assert lint(source.format(loop="enumerate(self.blocks)")) == []
    assert lint(source.format(loop="enumerate(reversed(self.blocks))")) == [("HL001", 7)]


def test_keras_model_assembled_from_a_configured_layer_list():
    assert lint(
        """
        import tensorflow as tf
        from tensorflow.keras import Model
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.losses import BinaryCrossentropy

        class FromLayers(Model):
            def __init__(self, layers):
                super().__init__()
                self.model_layers = layers

            def call(self, x, training):
                for layer in self.model_layers:
                    x = layer(x, training=training)
                return x

        config = {"loss": BinaryCrossentropy(), "layers": [Dense(16, activation="relu"), Dense(1, activation="softmax")]}
        model, loss_fn = FromLayers(config["layers"]), config["loss"]
        for x, t in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(t, model(x, True))
        """
    ) == [("HL004", 17)]


def test_an_activation_module_called_through_its_own_name_is_reported_where_it_is_applied():
    # the same nn.Sigmoid() is applied correctly for predictions and wrongly before the loss
    assert lint(
        """
        import torch.nn as nn

        model = nn.Sequential(nn.Linear(10, 1))
        criterion, sigmoid = nn.BCEWithLogitsLoss(), nn.Sigmoid()
        for xb, yb in loader:
            out = model(xb)
            loss = criterion(sigmoid(out), yb)
            predictions = sigmoid(out) > 0.5
        """
    ) == [("HL005", 8)]
