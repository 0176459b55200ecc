"""``Module``: the container that owns parameters, buffers and sub-modules (as in PyTorch).

Assigning a :class:`Parameter` or a ``Module`` to an attribute registers it, so
``named_parameters()`` can walk the tree and produce PyTorch's dotted names
(``"0.weight"``, ``"encoder.layers.1.bias"``); those names make ``state_dict`` files
interchangeable with a PyTorch twin's — the training-parity tests copy weights that way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from groundup.autograd.tensor import Tensor, default_rng

__all__ = ["Module", "ModuleList", "Parameter", "Sequential", "resolve_rng"]


def resolve_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A generator from a seed, a generator, or ``None`` (the library-wide default)."""
    if rng is None:
        return default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


class Parameter(Tensor):
    """A tensor that is a learnable parameter of a module: ``requires_grad`` by default."""

    def __init__(
        self, data: ArrayLike | Tensor, requires_grad: bool = True, dtype: DTypeLike | None = None
    ) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of every layer and model: subclass it and define ``forward``.

    Parameters are found by walking attributes, in registration order, own ones first; buffers
    (running statistics) are plain ndarrays registered with :meth:`register_buffer` and saved
    in ``state_dict`` beside the parameters.
    """

    training: bool
    _parameters: OrderedDict[str, Parameter]
    _buffers: OrderedDict[str, Any]
    _modules: OrderedDict[str, Module]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() — call super().__init__() first"
            )
        params, buffers, modules = self._parameters, self._buffers, self._modules
        params.pop(name, None)
        modules.pop(name, None)
        if isinstance(value, Parameter):
            params[name] = value
        elif isinstance(value, Module):
            modules[name] = value
        elif name in buffers:
            buffers[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, value: NDArray[Any] | None) -> None:
        """Register a non-learnable array (e.g. a running mean) saved in ``state_dict``."""
        self._buffers[name] = value
        object.__setattr__(self, name, value)

    def register_parameter(self, name: str, value: Parameter | None) -> None:
        """Register ``value`` (or an explicit absence, ``None``) as parameter ``name``."""
        if value is None:
            object.__setattr__(self, name, None)
            self._parameters.pop(name, None)
        else:
            setattr(self, name, value)

    # --- the call --------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --- the tree --------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules appears once."""
        seen: set[int] = set()
        for mod_name, mod in self.named_modules(prefix):
            for name, p in mod._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self) -> Iterator[Parameter]:
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, NDArray[Any]]]:
        for mod_name, mod in self.named_modules(prefix):
            for name, b in mod._buffers.items():
                if b is not None:
                    yield (f"{mod_name}.{name}" if mod_name else name), b

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every sub-module and then on this one; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- modes and gradients -------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Switch dropout and batch-norm behaviour to training (or evaluation) everywhere."""
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget every parameter's accumulated gradient."""
        for p in self.parameters():
            p.grad = None

    def to_dtype(self, dtype: DTypeLike) -> Module:
        """Convert floating parameters and buffers in place to ``dtype``; returns self."""
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None if p.grad is None else p.grad.astype(dtype)
        for m in self.modules():
            for name, b in list(m._buffers.items()):
                if b is not None and b.dtype.kind == "f":
                    m.register_buffer(name, b.astype(dtype))
        return self

    def double(self) -> Module:
        """Convert to float64 (for gradient checks and parity tests)."""
        return self.to_dtype(np.float64)

    def float(self) -> Module:
        """Convert to float32."""
        return self.to_dtype(np.float32)

    # --- state ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, NDArray[Any]]:
        """Copies of every parameter and buffer as plain arrays, under PyTorch's dotted names."""
        state: dict[str, NDArray[Any]] = {}
        for (
            mod_name,
            mod,
        ) in self.named_modules():  # PyTorch's order: per module, params then buffers
            prefix = f"{mod_name}." if mod_name else ""
            for name, p in mod._parameters.items():
                state[prefix + name] = p.data.copy()
            for name, b in mod._buffers.items():
                if b is not None:
                    state[prefix + name] = np.array(b, copy=True)
        return state

    def load_state_dict(self, state: Mapping[str, ArrayLike], strict: bool = True) -> None:
        """Copy arrays into parameters and buffers (cast to their dtype); shapes must match.

        With ``strict`` every key must match exactly; otherwise missing and unexpected keys are
        ignored. Accepts a PyTorch state_dict converted to arrays.
        """
        own_params = dict(self.named_parameters())
        own_buffers = {
            f"{mn}.{bn}" if mn else bn: (mod, bn)
            for mn, mod in self.named_modules()
            for bn, b in mod._buffers.items()
            if b is not None
        }
        if strict:
            missing = sorted((set(own_params) | set(own_buffers)) - set(state))
            unexpected = sorted(set(state) - set(own_params) - set(own_buffers))
            if missing or unexpected:
                raise KeyError(
                    f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
                )
        for key, value in state.items():
            arr = np.asarray(value)
            if key in own_params:
                p = own_params[key]
                if arr.shape != p.shape:
                    raise ValueError(
                        f"load_state_dict: {key!r} has shape {arr.shape} in the state but "
                        f"{p.shape} in the model"
                    )
                p.data = arr.astype(p.dtype, copy=True)
            elif key in own_buffers:
                mod, bn = own_buffers[key]
                old = mod._buffers[bn]
                if arr.shape != old.shape:
                    raise ValueError(
                        f"load_state_dict: buffer {key!r} has shape {arr.shape} in the state "
                        f"but {old.shape} in the model"
                    )
                mod.register_buffer(bn, arr.astype(old.dtype, copy=True))

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + (")" if len(lines) == 1 else "\n)")

    def extra_repr(self) -> str:
        return ""


class _ModuleSequence(Module):
    """Sub-modules registered under the names "0", "1", … with list-style access."""

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class Sequential(_ModuleSequence):
    """Modules applied one after another; sub-modules are named "0", "1", …"""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: argument {i} is {type(layer).__name__}, not a Module")
            setattr(self, str(i), layer)

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered (names "0", "1", …)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module: Module) -> None:
        setattr(self, str(len(self._modules)), module)
