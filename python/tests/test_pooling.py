"""max_pool2d and its gradient against PyTorch, on even and odd image sizes (an odd last row
or column is in no window: the forward pass floors and its gradient there is 0)."""
import numpy as np
import pytest
import torch

import xgrad
from xgrad import Fun, Iter, input, layers


@pytest.mark.parametrize("shape", [(2, 7, 5, 3), (1, 3, 3, 2), (1, 9, 3, 1), (1, 6, 4, 2)])
@pytest.mark.parametrize("dynamic", [False, True])
def test_max_pool2d_gradient_matches_pytorch(shape, dynamic):
    x = input("x", [None] * 4 if dynamic else [None, *shape[1:]])
    pooled = layers.max_pool2d(x)
    i = Iter()
    loss = Fun()
    loss[0] += pooled.flat[i] * pooled.flat[i]
    model = xgrad.compile(pooled.target("pool"), loss.grad(x).target("grad"))
    images = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    t = torch.tensor(images).permute(0, 3, 1, 2).requires_grad_()
    expected = torch.nn.functional.max_pool2d(t, 2)
    (expected ** 2).sum().backward()
    np.testing.assert_allclose(model.call("pool", {"x": images}),
                               expected.detach().permute(0, 2, 3, 1).numpy())
    gradient = model.call("grad", {"x": images})
    np.testing.assert_allclose(gradient, t.grad.permute(0, 2, 3, 1).numpy(), rtol=1e-6)
    if shape[1] % 2:
        assert not gradient[:, -1].any()


def test_min_and_max_of_indices_bound_a_read():
    y = Iter("y")
    a, b, o = input("a", [None]), input("b", [None]), Fun()
    o[y] += (a[xgrad.min(y + 1, a.shape[0] - 1)] - a[xgrad.max(y - 1, 0)]) * b[y]
    values = np.array([1, 2, 4, 8, 16], np.float32)
    ones = np.ones(5, np.float32)
    got = xgrad.compile(o.target("o")).call("o", {"a": values, "b": ones})
    ys = np.arange(5)
    np.testing.assert_array_equal(got, values[np.minimum(ys + 1, 4)] - values[np.maximum(ys - 1, 0)])
    # Clamped one too high: the read past the end is caught, not made.
    y = Iter("y")
    a, b, o = input("a", [None]), input("b", [None]), Fun()
    o[y] += a[xgrad.min(y + 1, a.shape[0])] * b[y]
    with pytest.raises(RuntimeError, match="the read of input 'a' at dimension 0 can index "
                                           "past its extent"):
        xgrad.compile(o.target("o")).call("o", {"a": values, "b": ones})
