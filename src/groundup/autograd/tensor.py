"""The autograd engine: ``Tensor``, ``Function`` and reverse-mode ``backward``.

A ``Tensor`` wraps an ndarray. Every differentiable operation is a :class:`Function` subclass
with a ``forward(ctx, *arrays)`` that computes the result from plain arrays and may save what
its gradient needs on ``ctx``, and a ``backward(ctx, grad)`` that turns the gradient of the
output into one gradient per positional input (the chain rule, one node at a time).

``Tensor.backward`` sorts the graph topologically with an explicit stack (no recursion, so a
10,000-op chain is fine), then walks it from the output back to the leaves, summing the
gradients of nodes that are used more than once. See docs/notes/backpropagation.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = [
    "Context",
    "Function",
    "SparseGrad",
    "Tensor",
    "enable_grad",
    "is_grad_enabled",
    "manual_seed",
    "no_grad",
    "tensor",
    "unbroadcast",
]

Array = NDArray[Any]

_GRAD_ENABLED = True
_DEFAULT_RNG: np.random.Generator = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Seed the generator used by default initialisers and dropout (like ``torch.manual_seed``)."""
    global _DEFAULT_RNG
    _DEFAULT_RNG = np.random.default_rng(seed)


def default_rng() -> np.random.Generator:
    """The library-wide generator that ``manual_seed`` resets."""
    return _DEFAULT_RNG


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph."""
    return _GRAD_ENABLED


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Context manager in which operations record no graph (inference, optimiser updates)."""
    global _GRAD_ENABLED
    previous, _GRAD_ENABLED = _GRAD_ENABLED, False
    try:
        yield
    finally:
        _GRAD_ENABLED = previous


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Context manager that turns graph recording back on inside ``no_grad``."""
    global _GRAD_ENABLED
    previous, _GRAD_ENABLED = _GRAD_ENABLED, True
    try:
        yield
    finally:
        _GRAD_ENABLED = previous


def unbroadcast(grad: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``grad`` back to ``shape``: the adjoint of NumPy broadcasting.

    If ``y = broadcast(x)`` then every element of ``x`` feeds several elements of ``y``, so
    ``dL/dx`` is the sum of ``dL/dy`` over the broadcast (prepended or size-1) axes.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and grad.shape[i + lead] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


class Context:
    """Per-node scratch space: saved arrays and whatever ``forward`` wants ``backward`` to know."""

    fn: type[Function]
    parents: tuple[Tensor | None, ...]

    def __init__(self) -> None:
        self.needs_input_grad: tuple[bool, ...] = ()
        self._saved: tuple[Any, ...] | None = ()
        self.freed = False

    def save(self, *values: Any) -> None:
        """Keep ``values`` for ``backward``; they are released after the backward pass."""
        self._saved = values

    @property
    def saved(self) -> tuple[Any, ...]:
        if self.freed:
            raise RuntimeError(
                f"Trying to backward through the graph a second time ({self.fn.__name__} node): "
                "its saved buffers were freed after the first backward. Call "
                "backward(retain_graph=True) the first time if you need to backward twice."
            )
        assert self._saved is not None
        return self._saved

    def free(self) -> None:
        self._saved = None
        self.freed = True

    if TYPE_CHECKING:  # ops stash arbitrary metadata (shapes, axes, options) on their context

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


class Function:
    """One differentiable operation: subclass and define ``forward`` and ``backward``.

    ``forward(ctx, *inputs, **options)`` gets the ndarrays behind tensor inputs (other
    positional inputs unchanged) and returns an ndarray. ``backward(ctx, grad)`` returns the
    gradient for each positional input (``None`` where there is none), each of its input's
    shape. Call ``MyOp.apply(*inputs, **options)`` to run it on tensors.
    """

    differentiable: ClassVar[bool] = True

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> Array:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        raw = []
        parents: list[Tensor | None] = []
        needs = []
        any_needs = False
        for a in args:
            if isinstance(a, Tensor):
                raw.append(a.data)
                parents.append(a)
                needs.append(a.requires_grad)
                any_needs = any_needs or a.requires_grad
            else:
                raw.append(a)
                parents.append(None)
                needs.append(False)
        record = any_needs and _GRAD_ENABLED and cls.differentiable
        ctx = Context()
        ctx.needs_input_grad = tuple(needs) if record else (False,) * len(needs)
        out = cls.forward(ctx, *raw, **kwargs)
        result = Tensor.__new__(Tensor)
        result.data = out
        result.grad = None
        result.requires_grad = record
        result._retain = False
        if record:
            ctx.fn = cls
            ctx.parents = tuple(parents)
            result._ctx = ctx
        else:
            result._ctx = None
        return result


def _to_array(data: Any, dtype: DTypeLike | None) -> Array:
    if isinstance(data, Tensor):
        data = data.data
    from_numpy = isinstance(data, np.ndarray | np.generic)
    try:
        arr = np.array(data, dtype=dtype, copy=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"tensor data could not be converted to an array: {exc}") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"tensor data must be real numbers or booleans, got dtype {arr.dtype}")
    if dtype is None and not from_numpy and arr.dtype == np.float64:
        arr = arr.astype(np.float32)  # Python floats default to float32, as in PyTorch
    return arr


class Tensor:
    """An n-dimensional array that remembers how it was computed, for reverse-mode gradients.

    ``data`` is the ndarray; ``grad`` (an ndarray or ``None``) receives ``dL/d(self)`` when a
    scalar ``L`` computed from it calls ``backward``. Gradients *accumulate* into ``grad``
    across backward calls — clear them with ``zero_grad()`` (or the optimiser's) each step.
    Python lists and floats become float32; float64 arrays stay float64 (use them for checks).
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    data : array_like
        The values.
    requires_grad : bool
        Whether to record operations on this tensor and compute its gradient.
    dtype : numpy dtype, optional
        Target dtype.
    """

    __array_ufunc__ = None  # make ``ndarray + Tensor`` defer to Tensor.__radd__
    data: Array
    grad: Array | None
    requires_grad: bool
    _ctx: Context | None
    _retain: bool

    def __init__(
        self, data: ArrayLike | Tensor, requires_grad: bool = False, dtype: DTypeLike | None = None
    ) -> None:
        arr = _to_array(data, dtype)
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {arr.dtype}"
            )
        self.data = arr
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._ctx = None
        self._retain = False

    # --- properties ----------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.data.dtype

    @property
    def size(self) -> int:
        return int(self.data.size)

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    @property
    def grad_fn(self) -> str | None:
        return None if self._ctx is None else self._ctx.fn.__name__

    @property
    def T(self) -> Tensor:
        return ops.permute(self, *reversed(range(self.ndim)))

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        extra = f", grad_fn={self.grad_fn}" if self._ctx else ""
        extra += ", requires_grad=True" if self.requires_grad and not self._ctx else ""
        return f"Tensor({np.array2string(self.data, separator=', ')}, dtype={self.dtype}{extra})"

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> Array:
        """``np.asarray(t)`` gives the values (no graph): plotting and metrics just work."""
        return self.data if dtype is None else self.data.astype(dtype)

    def numpy(self) -> Array:
        """The underlying array (shared, not copied)."""
        return self.data

    def numel(self) -> int:
        """Number of elements (PyTorch's name for ``size``)."""
        return int(self.data.size)

    def argmax(self, axis: int | None = None) -> Array:
        """Indices of the maxima along ``axis`` (an integer array: it has no gradient)."""
        return np.asarray(self.data.argmax(axis=axis))

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, got shape {self.shape}")
        return self.data.item()

    def detach(self) -> Tensor:
        """A tensor sharing this one's data but cut from the graph."""
        return Tensor(self.data, requires_grad=False)

    def requires_grad_(self, flag: bool = True) -> Tensor:
        if flag and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, got {self.dtype}")
        self.requires_grad = flag
        return self

    def retain_grad(self) -> None:
        """Keep ``grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        self._retain = True

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def astype(self, dtype: DTypeLike) -> Tensor:
        return ops.cast(self, dtype)

    def float(self) -> Tensor:
        return self.astype(np.float32)

    def double(self) -> Tensor:
        return self.astype(np.float64)

    # --- backward ------------------------------------------------------------------------
    def backward(self, grad: ArrayLike | Tensor | None = None, retain_graph: bool = False) -> None:
        """Accumulate ``d self / d leaf`` (times ``grad``) into every leaf's ``.grad``.

        Parameters
        ----------
        grad : array_like, optional
            The gradient of some scalar with respect to this tensor; required unless this
            tensor has one element (then it defaults to 1).
        retain_graph : bool
            Keep saved buffers so that backward can run through the graph again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad (it has no graph): "
                "create the inputs with requires_grad=True and do not run under no_grad()"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for a one-element output, this tensor "
                    f"has shape {self.shape}; pass backward(grad=...) of that shape"
                )
            g = np.ones_like(self.data)
        else:
            g = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if g.shape != self.shape:
                raise ValueError(
                    f"backward: grad has shape {g.shape} but the tensor has shape {self.shape}"
                )
        if self._ctx is None:
            _accumulate(self, g)
            return
        order = _topological_order(self)
        grads: dict[int, Array] = {id(self): g}
        owned: set[int] = set()  # gradients this pass allocated itself: safe to add into in place
        for node in order:
            g = grads.pop(id(node))
            ctx = node._ctx
            assert ctx is not None
            if node._retain:
                node.grad = g.copy() if node.grad is None else node.grad + g
            input_grads = ctx.fn.backward(ctx, g)
            if not isinstance(input_grads, tuple):
                input_grads = (input_grads,)
            if not retain_graph:
                ctx.free()
            for parent, pg in zip(ctx.parents, input_grads):
                if parent is None or pg is None or not parent.requires_grad:
                    continue
                if parent._ctx is None:
                    _accumulate(parent, pg)
                    continue
                key = id(parent)
                if isinstance(pg, SparseGrad):
                    if key not in owned:
                        base = grads.get(key)
                        grads[key] = np.zeros(pg.shape, pg.dtype) if base is None else base.copy()
                        owned.add(key)
                    pg.add_to(grads[key])
                elif key not in grads:
                    grads[key] = pg
                elif key in owned:
                    grads[key] += pg
                else:
                    grads[key] = grads[key] + pg
                    owned.add(key)

    # --- operators -----------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return ops.div(other, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __pow__(self, other: Any) -> Tensor:
        return ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return ops.matmul(other, self)

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index)

    # Comparisons give plain boolean arrays: they have no gradient.
    def __lt__(self, other: Any) -> Array:
        return self.data < _raw(other)

    def __le__(self, other: Any) -> Array:
        return self.data <= _raw(other)

    def __gt__(self, other: Any) -> Array:
        return self.data > _raw(other)

    def __ge__(self, other: Any) -> Array:
        return self.data >= _raw(other)

    __hash__ = object.__hash__

    # --- methods mirroring the functional API -------------------------------------------
    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)

    def sum(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.sum(self, axis, keepdims)

    def mean(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.mean(self, axis, keepdims)

    def max(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.max(self, axis, keepdims)

    def min(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        return ops.min(self, axis, keepdims)

    def var(
        self, axis: int | Sequence[int] | None = None, keepdims: bool = False, ddof: int = 0
    ) -> Tensor:
        return ops.var(self, axis, keepdims, ddof)

    def softmax(self, axis: int = -1) -> Tensor:
        return ops.softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return ops.log_softmax(self, axis)

    def reshape(self, *shape: Any) -> Tensor:
        return ops.reshape(self, *shape)

    def view(self, *shape: Any) -> Tensor:
        return ops.reshape(self, *shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Tensor:
        return ops.transpose(self, dim0, dim1)

    def permute(self, *axes: Any) -> Tensor:
        return ops.permute(self, *axes)

    def expand(self, *shape: Any) -> Tensor:
        return ops.expand(self, *shape)

    def unsqueeze(self, axis: int) -> Tensor:
        return ops.unsqueeze(self, axis)

    def squeeze(self, axis: int | None = None) -> Tensor:
        return ops.squeeze(self, axis)

    def clip(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return ops.clip(self, min, max)

    clamp = clip


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


class SparseGrad:
    """A gradient that is zero except at ``index`` (what indexing's backward produces).

    Adding it into an existing buffer touches only the indexed entries, so taking T slices
    of one tensor (an RNN reading its time steps) costs O(T) in backward, not O(T²).
    """

    __slots__ = ("dtype", "index", "shape", "values", "basic")

    def __init__(self, shape: tuple[int, ...], index: Any, values: Array, basic: bool) -> None:
        self.shape, self.index, self.values, self.basic = shape, index, values, basic
        self.dtype = values.dtype

    def add_to(self, buf: Array) -> None:
        if self.basic:
            buf[self.index] += self.values  # basic indexing never repeats a position
        else:
            np.add.at(buf, self.index, self.values)

    def dense(self) -> Array:
        out = np.zeros(self.shape, dtype=self.dtype)
        self.add_to(out)
        return out


def _accumulate(leaf: Tensor, g: Array | SparseGrad) -> None:
    if isinstance(g, SparseGrad):
        if leaf.grad is None:
            leaf.grad = g.dense().astype(leaf.dtype, copy=False)
        else:
            g.add_to(leaf.grad)
        return
    if g.shape != leaf.shape:
        raise RuntimeError(
            f"internal error: gradient of shape {g.shape} for a tensor of shape {leaf.shape}"
        )
    if leaf.grad is None:
        # Copy: ``g`` may be a read-only broadcast view, or shared with another input's grad.
        leaf.grad = np.array(g, dtype=leaf.dtype, copy=True)
    else:
        leaf.grad += g


def _topological_order(root: Tensor) -> list[Tensor]:
    """Non-leaf nodes reachable from ``root``, each after every node that consumes it.

    An explicit-stack depth-first search: a node is emitted once all of its inputs are
    emitted; the reversed list therefore visits consumers before producers.
    """
    emitted: list[Tensor] = []
    seen: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            emitted.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        ctx = node._ctx
        assert ctx is not None
        for parent in ctx.parents:
            if parent is not None and parent._ctx is not None and id(parent) not in seen:
                stack.append((parent, False))
    emitted.reverse()
    return emitted


def tensor(
    data: ArrayLike | Tensor, requires_grad: bool = False, dtype: DTypeLike | None = None
) -> Tensor:
    """Create a :class:`Tensor` (the factory spelled like ``torch.tensor``)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


from groundup.autograd import ops  # noqa: E402  (ops need Tensor and Function defined first)
