"""Schedules: the default contraction schedule against numpy on every path it takes (full
tiles, peeled rows, one-row tiles, a dynamic reduction, A stored transposed, one-vector
panels, columns split or padded), threads bit-identical to one thread, and a user schedule through Python."""
import numpy as np
import pytest

import xgrad

def product(rows, depth, columns, dynamic_rows=False, dynamic_depth=False, transpose_a=False):
    m = "?" if dynamic_rows else str(rows)
    k = "?" if dynamic_depth else str(depth)
    a_type = f"tensor<{k}x{m}xf32>" if transpose_a else f"tensor<{m}x{k}xf32>"
    b_type = f"tensor<{k}x{columns}xf32>"
    a_read = "%a[%it, %y]" if transpose_a else "%a[%y, %it]"
    return f"""xgrad.graph @product {{
  %a = xgrad.input "a" : {a_type}
  %b = xgrad.input "b" : {b_type}
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {{
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read {a_read} : {a_type}
    %r = xgrad.read %b[%it, %x] : {b_type}
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }}
  xgrad.target "matmul" %c : tensor<*xf32>
}}"""


CASES = {
    "full tiles": dict(rows=64, depth=128, columns=32),
    "cache tiles of the reduction": dict(rows=32, depth=1024, columns=64),
    "peeled rows and one-row tiles": dict(rows=100, depth=96, columns=32, dynamic_rows=True),
    "a dynamic batch of fewer rows than a block": dict(rows=7, depth=64, columns=32,
                                                       dynamic_rows=True),
    "a dynamic reduction with a partial step": dict(rows=48, depth=67, columns=16,
                                                    dynamic_depth=True, transpose_a=True),
    "A stored transposed": dict(rows=784, depth=64, columns=128, transpose_a=True),
    # N a multiple of the host's vector width but not of two (24 with AVX2, 48 with
    # AVX-512), and M a multiple of that width's register rows.
    "one-vector panels": dict(rows=48, depth=24, columns=3 * xgrad.host_vector_width()),
    # Half-width vectors where the full width does not divide N (24 columns with AVX-512,
    # 12 with AVX2), with half the register rows where the full count does not divide M.
    "half-width vectors": dict(rows=1000, depth=40, columns=3 * xgrad.host_vector_width() // 2),
    # Columns two vectors do not divide: split into the part they do and a rest of half a
    # vector (104 = 96 + 8 with AVX-512), each scheduled apart.
    "columns split": dict(rows=200, depth=64, columns=13 * xgrad.host_vector_width() // 2),
    # Ten columns (a layer to 10 classes) no vector divides: padded with zeros to a vector.
    "columns padded": dict(rows=100, depth=784, columns=10, dynamic_rows=True),
}


def operands(rows, depth, columns, transpose_a=False, **_):
    rng = np.random.default_rng(rows * 1000 + depth)
    a = rng.standard_normal((depth, rows) if transpose_a else (rows, depth), dtype=np.float32)
    b = rng.standard_normal((depth, columns), dtype=np.float32)
    return a, b


@pytest.mark.parametrize("case", CASES)
def test_scheduled_products_match_numpy(case):
    shape = CASES[case]
    a, b = operands(**shape)
    model = xgrad.Model(product(**shape))
    assert "vector.contract" in model.ir("scheduled")
    expected = (a.T if shape.get("transpose_a") else a).astype(np.float64) @ b
    np.testing.assert_allclose(model.call("matmul", {"a": a, "b": b}), expected,
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", ["full tiles", "peeled rows and one-row tiles",
                                  "A stored transposed", "columns split", "columns padded"])
def test_threads_give_the_bits_of_one_thread(case):
    shape = CASES[case]
    a, b = operands(**shape)
    one = xgrad.Model(product(**shape), threads=1).call("matmul", {"a": a, "b": b})
    # parallel_min_work=0: every parallel loop on both threads, however small.
    two = xgrad.Model(product(**shape), threads=2, parallel_min_work=0).call(
        "matmul", {"a": a, "b": b})
    assert one.tobytes() == two.tobytes()


def test_a_user_schedule_replaces_the_default_of_the_kernel_it_names(tmp_path):
    schedule = tmp_path / "matmul.mlir"
    schedule.write_text("""module attributes {transform.with_named_sequence} {
  transform.named_sequence @matmul(%kernel: !transform.any_op {transform.readonly}) {
    transform.yield
  }
}""")
    source = product(64, 128, 32)
    default = xgrad.Model(source)
    user = xgrad.Model(source, schedule=schedule)
    assert "vector.contract" in default.ir("scheduled")
    assert "vector.contract" not in user.ir("scheduled")
    a, b = operands(64, 128, 32)
    np.testing.assert_allclose(user.call("matmul", {"a": a, "b": b}),
                               default.call("matmul", {"a": a, "b": b}), rtol=1e-5, atol=1e-5)


def test_a_schedule_that_fails_is_an_error_naming_the_kernel(tmp_path):
    schedule = tmp_path / "wrong.mlir"
    schedule.write_text("""module attributes {transform.with_named_sequence} {
  transform.named_sequence @matmul(%kernel: !transform.any_op {transform.consumed}) {
    %tiled, %loops:4 = transform.structured.tile_using_for %kernel tile_sizes [4, 4, 4, 4]
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op,
                                !transform.any_op, !transform.any_op)
    transform.yield
  }
}""")
    expected = r"(?s)too many tiles.*kernel 'matmul'.*@matmul failed"
    with pytest.raises(RuntimeError, match=expected):
        xgrad.Model(product(64, 128, 32), schedule=schedule, lazy=False)
    # Compiled lazily, the target's code (and so its schedule) is made on its first call.
    model = xgrad.Model(product(64, 128, 32), schedule=schedule)
    a = np.ones((64, 128), np.float32)
    b = np.ones((128, 32), np.float32)
    with pytest.raises(RuntimeError, match=expected):
        model.call("matmul", {"a": a, "b": b})


def test_convolutions_as_products_match_torch_and_threads():
    import torch
    from xgrad import input, layers
    images = input("images", [None, 12, 12, 8])
    filters = input("filters", [16, 3, 3, 8])
    conv = layers.conv2d(images, filters).target("conv")
    source = xgrad.to_mlir(conv)
    one = xgrad.Model(source, threads=1)
    two = xgrad.Model(source, threads=2, parallel_min_work=0)
    assert "conv2d.patches" in one.ir("scheduled") and "vector.contract" in one.ir("scheduled")
    rng = np.random.default_rng(5)
    x = rng.standard_normal((70, 12, 12, 8), dtype=np.float32)
    w = rng.standard_normal((16, 3, 3, 8), dtype=np.float32)
    got = one.call("conv", {"images": x, "filters": w})
    expected = torch.nn.functional.conv2d(torch.from_numpy(x).permute(0, 3, 1, 2),
                                          torch.from_numpy(w).permute(0, 3, 1, 2))
    np.testing.assert_allclose(got, expected.permute(0, 2, 3, 1).numpy(), rtol=1e-4, atol=1e-4)
    assert got.tobytes() == two.call("conv", {"images": x, "filters": w}).tobytes()


def test_pooling_vectorized_matches_torch_and_threads():
    # relu fused into a 2 x 2 max pool, whose strided reads become slices and whose 8
    # channels one vector: the values of PyTorch's, the bits of one thread on two.
    import torch
    from xgrad import input, layers
    images = input("images", [None, 10, 10, 8])
    pooled = layers.max_pool2d(layers.relu(images)).target("pool")
    source = xgrad.to_mlir(pooled)
    one = xgrad.Model(source, threads=1)
    two = xgrad.Model(source, threads=2, parallel_min_work=0)
    scheduled = one.ir("scheduled")
    assert "tensor<1x1x1x8xf32>" in scheduled and 'xgrad.kernel = "relu"' not in scheduled
    x = np.random.default_rng(6).standard_normal((33, 10, 10, 8), dtype=np.float32)
    got = one.call("pool", {"images": x})
    expected = torch.nn.functional.max_pool2d(torch.relu(torch.from_numpy(x).permute(0, 3, 1, 2)), 2)
    np.testing.assert_array_equal(got, expected.permute(0, 2, 3, 1).numpy())
    assert got.tobytes() == two.call("pool", {"images": x}).tobytes()


def filter_gradient_source(size, channels, filters, kernel):
    out = size - kernel + 1
    return f"""xgrad.graph @g {{
  %i = xgrad.input "images" : tensor<?x{size}x{size}x{channels}xf32>
  %d = xgrad.input "delta" : tensor<?x{out}x{out}x{filters}xf32>
  %o = xgrad.kernel "filter_gradient" -> tensor<*xf32> {{
  ^bb0(%b: index, %y: index, %x: index, %f: index, %ky: index, %kx: index, %c: index):
    %yy = arith.addi %y, %ky : index
    %xx = arith.addi %x, %kx : index
    %l = xgrad.read %i[%b, %yy, %xx, %c] : tensor<?x{size}x{size}x{channels}xf32>
    %r = xgrad.read %d[%b, %y, %x, %f] : tensor<?x{out}x{out}x{filters}xf32>
    %p = arith.mulf %r, %l : f32
    xgrad.accumulate %p at [%f, %ky, %kx, %c] : f32
  }}
  xgrad.target "filter_gradient" %o : tensor<*xf32>
}}"""


# A 5x5 1->8 layer's filter gradient: 25 columns no vector takes; a 3x3 8->16 layer's: 72
# columns a split would cut into 64 and 8. Both products are computed transposed (the
# filters along the vectors) over a dynamic batch.
@pytest.mark.parametrize("size, channels, filters, kernel", [(28, 1, 8, 5), (12, 8, 16, 3)])
def test_filter_gradients_computed_transposed_match_numpy_and_threads(size, channels, filters,
                                                                       kernel):
    source = filter_gradient_source(size, channels, filters, kernel)
    one = xgrad.Model(source, threads=1)
    two = xgrad.Model(source, threads=2, parallel_min_work=0)
    scheduled = one.ir("scheduled")
    assert "filter_gradient.patches" in scheduled and "vector.contract" in scheduled
    assert "permutation = [3, 0, 1, 2]" in scheduled  # the transposed result, put back
    out = size - kernel + 1
    rng = np.random.default_rng(6)
    images = rng.standard_normal((37, size, size, channels), dtype=np.float32)
    delta = rng.standard_normal((37, out, out, filters), dtype=np.float32)
    inputs = {"images": images, "delta": delta}
    got = one.call("filter_gradient", inputs)
    expected = np.zeros((filters, kernel, kernel, channels))
    for ky in range(kernel):
        for kx in range(kernel):
            window = images[:, ky:ky + out, kx:kx + out, :].astype(np.float64)
            expected[:, ky, kx, :] = np.einsum("byxf,byxc->fc", delta, window)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3)
    assert got.tobytes() == two.call("filter_gradient", inputs).tobytes()
