"""Neural-network building blocks on the autograd engine (``torch.nn`` names and layouts).

Module, Sequential, ModuleList, Parameter; Linear, Conv2d, pooling, BatchNorm1d/2d,
LayerNorm, Dropout, Embedding, RNN/LSTM/GRU and their cells, MultiheadAttention; activation
modules; losses; ``nn.init`` and ``nn.functional``. See docs/notes/backpropagation.md.
"""

from groundup.autograd.nn import functional, init, utils
from groundup.autograd.nn.attention import MultiheadAttention
from groundup.autograd.nn.conv import AvgPool2d, Conv2d, MaxPool2d
from groundup.autograd.nn.layers import (
    GELU,
    Dropout,
    Embedding,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from groundup.autograd.nn.loss import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
)
from groundup.autograd.nn.module import Module, ModuleList, Parameter, Sequential
from groundup.autograd.nn.norm import BatchNorm1d, BatchNorm2d, LayerNorm
from groundup.autograd.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

__all__ = [
    "GELU",
    "GRU",
    "LSTM",
    "AvgPool2d",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRUCell",
    "Identity",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "Parameter",
    "RNN",
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "functional",
    "init",
    "utils",
]
